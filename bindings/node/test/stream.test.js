'use strict'
// Streaming equals one-shot, whatever the chunking; the state after finalize and release.
const test = require('node:test')
const assert = require('node:assert/strict')
const { termark, documents, rng, byteChunks, stringChunks, streamAll, plain } = require('./helpers')

const { Renderer } = termark

for (const width of [40, 80]) {
  const renderer = new Renderer({ width, hyperlinks: true })
  for (const [name, text] of Object.entries(documents())) {
    const oneShot = plain(renderer.render(text))

    test(`${name} at ${width}: Buffer chunks split anywhere equal the one-shot render`, () => {
      const buf = Buffer.from(text, 'utf8')
      for (const [seed, max] of [[1, 1], [2, 3], [3, 16], [4, 200]]) {
        const { lines } = streamAll(renderer, byteChunks(buf, rng(seed), max))
        assert.deepEqual(lines, oneShot, `seed ${seed}, chunks up to ${max} bytes`)
      }
    })

    test(`${name} at ${width}: string chunks equal the one-shot render, tail asked after every push`, () => {
      for (const [seed, max] of [[5, 2], [6, 40]]) {
        const { lines } = streamAll(renderer, stringChunks(text, rng(seed), max), { tail: true })
        assert.deepEqual(lines, oneShot, `seed ${seed}, chunks up to ${max} code points`)
      }
    })

    test(`${name} at ${width}: no line is wider than the width; every line ends in the default state`, () => {
      assert.ok(oneShot.length > 10)
      for (const line of oneShot) {
        assert.ok(line.width <= width, `${line.width} > ${width}: ${line.plain}`)
        assert.equal(line.spans.map((s) => s.text).join(''), line.plain)
        assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line.plain), `control character in ${JSON.stringify(line.plain)}`)
        // The only escapes are SGR and OSC 8; without them the line is its plain text.
        const bare = line.ansi.replace(/\u001b\[[0-9;]*m/g, '').replace(/\u001b\]8;;[^\u001b]*\u001b\\/g, '')
        assert.equal(bare, line.plain)
        // The last SGR only turns attributes off, and every OSC 8 link is closed.
        const last = (line.ansi.match(/\u001b\[([0-9;]*)m/g) || []).at(-1)
        if (last) assert.ok(last.slice(2, -1).split(';').every((p) => ['0', '', '22', '23', '24', '29', '39', '49'].includes(p)), JSON.stringify(line.ansi))
        const links = line.ansi.match(/\u001b\]8;;[^\u001b]*\u001b\\/g) || []
        assert.equal(links.length % 2, 0, JSON.stringify(line.ansi))
        if (links.length) assert.equal(links.at(-1), '\u001b]8;;\u001b\\')
      }
    })
  }
}

test('a UTF-8 sequence split across Buffers decodes whole; invalid bytes become U+FFFD', () => {
  const renderer = new Renderer({ width: 40 })
  const euro = Buffer.from('€ and 😀\n', 'utf8')
  const { lines } = streamAll(renderer, [...euro].map((b) => Buffer.from([b])))
  assert.deepEqual(lines.map((l) => l.plain), ['€ and 😀'])
  const bad = streamAll(renderer, [Buffer.from([0x61, 0xe2, 0x82]), Buffer.from([0x62, 0x0a])])
  assert.deepEqual(bad.lines.map((l) => l.plain), ['a\ufffdb'])
  const u8 = streamAll(renderer, [new Uint8Array([0x68, 0x69, 0x0a])])
  assert.deepEqual(u8.lines.map((l) => l.plain), ['hi'])
})

test('committed lines come once; the tentative tail shows the open block, healed', () => {
  const renderer = new Renderer({ width: 40, color: 'plain' })
  const stream = renderer.stream()
  assert.equal(stream.push('# Title\n'), 0, 'a heading is final only once the next line starts')
  assert.equal(stream.push('\nSome **bold'), 1, 'push says how many lines wait')
  assert.deepEqual(stream.newCommitted().map((l) => l.plain), ['# Title'])
  assert.deepEqual(stream.newCommitted(), [])
  const tail = stream.tentative()
  assert.deepEqual(tail.map((l) => l.plain), ['', 'Some bold'])
  assert.ok(tail[1].spans.some((s) => s.text === 'bold' && s.bold))
  assert.ok(stream.hasLiveState)
  stream.push(' text**.\n')
  stream.finalize()
  assert.deepEqual(stream.newCommitted().map((l) => l.plain), ['', 'Some bold text.'])
  assert.deepEqual(stream.tentative(), [])
})

test('after finalize the stream holds no live state, ignores pushes, and release empties it', () => {
  const renderer = new Renderer({ width: 60 })
  const text = documents()['answer.md']
  const stream = renderer.stream()
  assert.equal(stream.hasLiveState, false)
  stream.push(text.slice(0, 700))
  assert.equal(stream.hasLiveState, true)
  stream.push(text.slice(700))
  stream.finalize()
  assert.equal(stream.hasLiveState, false)
  assert.equal(stream.isFinalized, true)
  const lines = stream.newCommitted()
  assert.deepEqual(plain(lines), plain(renderer.render(text)))
  stream.push('ignored\n')
  assert.deepEqual(stream.newCommitted(), [])
  assert.ok(stream.heapBytes > 0, 'committed lines are still held')
  stream.release()
  assert.equal(stream.heapBytes, 0)
  assert.equal(stream.isFinalized, false)
  // A released stream renders a new message.
  stream.push('again\n')
  stream.finalize()
  assert.deepEqual(stream.newCommitted().map((l) => l.plain), ['again'])
})

test('setWidth: later lines use the new width; a bad width throws and changes nothing', () => {
  const renderer = new Renderer({ width: 80 })
  const stream = renderer.stream()
  const para = 'word '.repeat(60) + '\n\n'
  stream.push(para)
  const wide = stream.newCommitted()
  assert.ok(wide.some((l) => l.width > 40))
  assert.throws(() => stream.setWidth(4), RangeError)
  assert.throws(() => stream.setWidth(40.5), RangeError)
  assert.throws(() => stream.setWidth('40'), TypeError)
  assert.equal(stream.width, 80)
  stream.setWidth(40)
  assert.equal(stream.width, 40)
  stream.push(para)
  stream.finalize()
  const narrow = stream.newCommitted()
  assert.ok(narrow.length > 0)
  for (const l of narrow) assert.ok(l.width <= 40)
  // The blank line between the two paragraphs, then the second one laid out at 40.
  assert.deepEqual(narrow.map((l) => l.plain), ['', ...new Renderer({ width: 40 }).render(para).map((l) => l.plain)])
})
