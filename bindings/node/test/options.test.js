'use strict'
// Options: what each one changes, and bad options throw a JavaScript error, never a crash.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { termark } = require('./helpers')

const { Renderer } = termark

test('bad options throw TypeError or RangeError naming the problem', () => {
  const cases = [
    [{ width: 3 }, RangeError, /width=3/],
    [{ width: 5000 }, RangeError, /width/],
    [{ width: 1e12 }, RangeError, /width is out of range/],
    [{ width: -1 }, RangeError, /non-negative integer/],
    [{ width: 80.5 }, RangeError, /non-negative integer/],
    [{ width: NaN }, RangeError, /non-negative integer/],
    [{ width: '80' }, TypeError, /width must be a number/],
    [{ widht: 80 }, TypeError, /unknown option "widht"/],
    [{ color: 'rainbow' }, RangeError, /unknown color "rainbow"/],
    [{ color: 256 }, TypeError, /color must be a string/],
    [{ theme: 'nope' }, RangeError, /unknown theme "nope"/],
    [{ hyperlinks: 'yes' }, TypeError, /hyperlinks must be a boolean/],
    [{ highlight: 1 }, TypeError, /highlight must be a boolean/],
    [{ tabWidth: 0 }, RangeError, /tab-width/],
    [{ tailRows: 1 }, RangeError, /tail-rows/],
    [42, TypeError, /options must be an object/],
    ['wide', TypeError, /options must be an object/],
  ]
  for (const [options, kind, message] of cases) {
    assert.throws(() => new Renderer(options), (e) => e instanceof kind && message.test(e.message), JSON.stringify(options))
  }
})

test('a theme file that cannot be parsed throws an Error with its path and line', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'termark-')), 'bad.toml')
  fs.writeFileSync(file, '[styles]\nheading1 = { fg = "not-a-color" }\n')
  assert.throws(() => new Renderer({ theme: file }), (e) => e instanceof Error && e.message.includes('bad.toml'))
})

test('push of anything but a string, Buffer or Uint8Array throws a TypeError', () => {
  const stream = new Renderer().stream()
  for (const bad of [42, null, undefined, {}, [1, 2], new Int16Array(2)]) {
    assert.throws(() => stream.push(bad), TypeError, String(bad))
  }
  stream.push('still fine\n')
  stream.finalize()
  assert.deepEqual(stream.newCommitted().map((l) => l.plain), ['still fine'])
})

test('no options, undefined and undefined fields mean the defaults', () => {
  for (const r of [new Renderer(), new Renderer(undefined), new Renderer({}), new Renderer({ width: undefined })]) {
    assert.equal(r.width, 80)
  }
})

test('color, hyperlinks, highlight and theme change the output as documented', () => {
  const text = '# Head\n\nSee [docs](https://example.com/docs).\n\n```rust\nfn main() {}\n```\n'
  const plain = new Renderer({ color: 'plain' }).render(text)
  for (const l of plain) assert.equal(l.ansi, l.plain)
  assert.ok(plain.some((l) => l.plain.includes('https://example.com/docs')))

  const linked = new Renderer({ hyperlinks: true }).render(text)
  const span = linked.flatMap((l) => l.spans).find((s) => s.link)
  assert.equal(span.link, 'https://example.com/docs')
  assert.ok(linked.some((l) => l.ansi.includes('\u001b]8;;https://example.com/docs\u001b\\')))

  const c16 = new Renderer({ color: '16' }).render(text)
  assert.ok(c16.every((l) => !l.ansi.includes('38;2;')))
  const tc = new Renderer().render(text)
  assert.ok(tc.some((l) => l.ansi.includes('38;2;')))

  const code = (r) => r.render(text).find((l) => l.plain.includes('fn main')).spans
  assert.ok(code(new Renderer()).length > code(new Renderer({ highlight: false })).length)

  const light = new Renderer({ theme: 'light' }).render(text)
  assert.notDeepEqual(light.map((l) => l.ansi), tc.map((l) => l.ansi))
})

test('span colors use the names chalk and Ink accept', () => {
  const spans = new Renderer().render('# Head\n\n`code` and *em*\n').flatMap((l) => l.spans)
  const colors = spans.flatMap((s) => [s.fg, s.bg]).filter((c) => c !== undefined)
  assert.ok(colors.length > 0)
  for (const c of colors) assert.match(c, /^(#[0-9a-f]{6}|ansi256\(\d+\)|default|(black|red|green|yellow|blue|magenta|cyan|white)(Bright)?)$/)
})
