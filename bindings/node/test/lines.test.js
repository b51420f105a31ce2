'use strict'
// Lines come packed, one string per call, and index.js makes the Line objects: what each
// line says (ansi, plain, width, kind, spans) must survive the packing, whatever the text
// (astral characters count two UTF-16 units, CJK two columns), and stay right when it is
// read late.
const test = require('node:test')
const assert = require('node:assert/strict')
const { termark, documents, rng, byteChunks, streamAll, plain } = require('./helpers')

const { Renderer, Line } = termark

// Every kind of line, links (two on a row, one split across styles), astral characters
// before styled text (a wrong UTF-16 offset would shift every span after them).
const mixed = [
  '# Head 😀 **bold** end\n',
  '\n',
  '😀😀 Text with [a **strong** link](https://example.com/a) and [another](https://example.org/b), 中文 *em* 👩‍💻 done.\n',
  '\n',
  '```rust\nfn main() { let s = "😀"; }\n```\n',
  '\n',
  '| 名前 | b |\n|---|---|\n| 😀 | `2` |\n',
  '\n',
  '---\n',
  '\n',
  '<div>\nhtml\n</div>\n',
  '\n',
  'A [ref] link.\n\n[ref]: https://example.net/ref\n',
].join('')

/** The SGR and OSC 8 escapes stripped: what a terminal shows. */
const bare = (ansi) => ansi.replace(/\u001b\[[0-9;]*m/g, '').replace(/\u001b\]8;;[^\u001b]*\u001b\\/g, '')

test('a batch of many lines keeps each line whole: text, spans, kinds, links', () => {
  const renderer = new Renderer({ width: 40, hyperlinks: true })
  const stream = renderer.stream()
  stream.push(mixed)
  stream.finalize()
  const lines = stream.newCommitted() // one batch: the whole message
  assert.ok(lines.length > 15)
  assert.ok(lines.every((l) => l instanceof Line))
  assert.deepEqual(plain(lines), plain(renderer.render(mixed)))
  const kinds = new Set(lines.map((l) => l.kind))
  for (const kind of ['heading', 'blank', 'text', 'codeFrame', 'code', 'table', 'tableRule', 'rule']) {
    assert.ok(kinds.has(kind), `no ${kind} line in ${[...kinds]}`)
  }
  for (const l of lines) {
    assert.equal(bare(l.ansi), l.plain)
    assert.equal(l.spans.map((s) => s.text).join(''), l.plain)
  }
  const head = lines[0]
  assert.equal(head.kind, 'heading')
  assert.equal(head.plain, '# Head 😀 bold end')
  assert.ok(head.spans.some((s) => s.text === 'Head 😀 bold end' && s.bold), JSON.stringify(head.spans))
  // The links: each span of a link has its destination, other spans none.
  const para = lines.find((l) => l.plain.includes('Text with'))
  const linked = lines.flatMap((l) => l.spans).filter((s) => s.link)
  assert.deepEqual([...new Set(linked.map((s) => s.link))], ['https://example.com/a', 'https://example.org/b', 'https://example.net/ref'])
  const strong = linked.find((s) => s.text.includes('strong'))
  assert.ok(strong.bold && strong.link === 'https://example.com/a', JSON.stringify(strong))
  assert.ok(para.spans.some((s) => s.text.includes('Text with') && s.link === undefined))
  assert.ok(para.ansi.includes('\u001b]8;;https://example.com/a\u001b\\'))
  // After astral and CJK characters a span still starts where its text does.
  const rest = lines.find((l) => l.plain.includes('em'))
  assert.ok(rest.spans.some((s) => s.text === 'em' && s.italic), JSON.stringify(rest.spans))
  // Properties are read-only, as before (getters).
  assert.throws(() => {
    head.ansi = 'changed'
  }, TypeError)
  assert.equal(head.plain, '# Head 😀 bold end')
  assert.throws(() => new Line(), TypeError)
})

test('lines committed one by one equal one batch of them, and the one-shot render', () => {
  const renderer = new Renderer({ width: 40, hyperlinks: true })
  const oneShot = plain(renderer.render(mixed))
  const buf = Buffer.from(mixed, 'utf8')
  for (const [seed, max] of [[11, 1], [12, 7]]) {
    const { lines } = streamAll(renderer, byteChunks(buf, rng(seed), max))
    assert.deepEqual(lines, oneShot, `seed ${seed}`)
  }
})

test('a line read late (after more pushes, finalize, release, a new message) is unchanged', () => {
  const renderer = new Renderer({ width: 40, hyperlinks: true, color: '256' })
  const stream = renderer.stream()
  const half = Math.floor(mixed.length / 2)
  stream.push(mixed.slice(0, half))
  const early = stream.newCommitted()
  const tail = stream.tentative()
  assert.ok(early.length > 2 && tail.length > 0)
  // What they said when they came, read now, with spans.
  const earlyThen = JSON.parse(JSON.stringify(early))
  const tailThen = JSON.parse(JSON.stringify(tail))
  stream.push(mixed.slice(half))
  const later = stream.newCommitted()
  stream.finalize()
  later.push(...stream.newCommitted())
  stream.release()
  stream.push('# Another message\n\nwith **other** text\n')
  stream.finalize()
  stream.newCommitted()
  stream.release()
  // Lines read only now, spans built now for the first time.
  assert.deepEqual(JSON.parse(JSON.stringify(early)), earlyThen)
  assert.deepEqual(JSON.parse(JSON.stringify(tail)), tailThen)
  assert.deepEqual(plain([...early, ...later]), plain(renderer.render(mixed)))
  assert.ok(earlyThen.some((l) => l.spans.some((s) => s.fg && s.link)), 'styled, linked spans among the early lines')
  assert.ok(earlyThen.some((l) => l.ansi.includes('38;5;')), 'ANSI in the 256-color form')
})

test('tentative(): the open block, healed, as Line objects; empty when nothing is open', () => {
  const renderer = new Renderer({ width: 30 })
  const stream = renderer.stream()
  assert.deepEqual(stream.tentative(), [])
  stream.push('Done.\n\nSome **bold and `code')
  const tail = stream.tentative()
  assert.ok(tail.every((l) => l instanceof Line))
  assert.deepEqual(tail.map((l) => [l.kind, l.plain]), [['blank', ''], ['text', 'Some bold and code']])
  assert.ok(tail[1].spans.some((s) => s.text === 'bold and ' && s.bold))
  assert.ok(tail[1].width === 18 && bare(tail[1].ansi) === tail[1].plain)
  // Asking again without a push gives the same lines; a push changes them.
  assert.deepEqual(plain(stream.tentative()), plain(tail))
  stream.push('` and more** of it, long enough to wrap at thirty columns')
  const wrapped = stream.tentative()
  assert.ok(wrapped.length > 2)
  for (const l of wrapped) assert.ok(l.width <= 30)
  assert.equal(tail[1].plain, 'Some bold and code', 'an earlier tail line keeps its text')
  stream.finalize()
  assert.deepEqual(stream.tentative(), [])
})

for (const width of [40, 80]) {
  const renderer = new Renderer({ width, highlight: false })
  for (const [name, text] of Object.entries({ ...documents(), mixed })) {
    test(`${name} at ${width}, highlighting off: streaming in chunks equals the one-shot render`, () => {
      const oneShot = plain(renderer.render(text))
      assert.ok(oneShot.length > 5)
      const buf = Buffer.from(text, 'utf8')
      for (const [seed, max] of [[21, 1], [22, 16], [23, 300]]) {
        const { lines } = streamAll(renderer, byteChunks(buf, rng(seed), max), { tail: seed === 22 })
        assert.deepEqual(lines, oneShot, `seed ${seed}, chunks up to ${max} bytes`)
      }
      // Code blocks are not highlighted: their rows carry one style, the theme's code style.
      const withHighlight = new Renderer({ width })
      const rows = (lines) => lines.filter((l) => l.kind === 'code')
      const codeOff = rows(renderer.render(text))
      if (codeOff.length > 0) {
        const code = (l) => l.spans.filter((s) => !/^[│↪ ]*$/.test(s.text))
        assert.ok(codeOff.every((l) => new Set(code(l).map((s) => s.fg)).size <= 1), 'one color per code row')
        assert.deepEqual(codeOff.map((l) => l.plain), rows(withHighlight.render(text)).map((l) => l.plain))
      }
    })
  }
}

test('push takes a string, a Buffer or a Uint8Array; anything else throws a TypeError', () => {
  const renderer = new Renderer({ width: 40, color: 'plain' })
  const stream = renderer.stream()
  for (const bad of [42, null, undefined, {}, [1, 2], new Uint16Array([0x61]), new DataView(new ArrayBuffer(2))]) {
    assert.throws(() => stream.push(bad), TypeError, String(bad))
  }
  assert.throws(() => renderer.stream().push.call({}, 'text'), TypeError)
  assert.equal(stream.push(''), 0)
  assert.equal(stream.push(new Uint8Array(0)), 0)
  stream.push('a\n\n')
  stream.push(Buffer.from('b\n\n'))
  stream.push(new Uint8Array([0x63, 0x0a]))
  stream.finalize()
  assert.deepEqual(stream.newCommitted().map((l) => l.plain), ['a', '', 'b', '', 'c'])
})

test('a worker thread streams with its own renderer, and ends cleanly with streams still alive', async () => {
  const { Worker } = require('node:worker_threads')
  const code = `
    const { parentPort } = require('node:worker_threads')
    const { Renderer } = require(${JSON.stringify(require.resolve('..'))})
    const renderer = new Renderer({ width: 40, color: 'plain' })
    const kept = []
    for (let i = 0; i < 50; i++) {
      const s = renderer.stream()
      s.push('# Worker ' + i + '\\n\\ntext **open')
      kept.push(s) // alive when the thread ends: their finalizers run at its teardown
    }
    const s = renderer.stream()
    s.push(Buffer.from('one\\n\\ntwo\\n'))
    s.finalize()
    parentPort.postMessage(s.newCommitted().map((l) => l.plain))
  `
  const worker = new Worker(code, { eval: true })
  const [lines] = await Promise.all([
    new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject)),
    new Promise((resolve) => worker.once('exit', resolve)).then((exitCode) => assert.equal(exitCode, 0)),
  ])
  assert.deepEqual(lines, ['one', '', 'two'])
  // The main thread's streams are unaffected.
  const stream = new Renderer({ width: 40, color: 'plain' }).stream()
  stream.push('main\n')
  stream.finalize()
  assert.deepEqual(stream.newCommitted().map((l) => l.plain), ['main'])
})
