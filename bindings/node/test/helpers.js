'use strict'
// Shared by the tests: the addon, sample documents and a seeded PRNG.
const fs = require('node:fs')
const path = require('node:path')

const termark = require('..')

const repo = path.join(__dirname, '..', '..', '..')

/** Documents to stream: the repository's fixture answer, its README, and a
 *  synthetic one with the awkward cases (CRLF, tables, fences, CJK, emoji, links). */
function documents() {
  const synthetic = [
    '# Title with `code` and a [link](https://example.com/a_b)\r\n',
    '\r\n',
    'A paragraph with **strong**, *emphasis*, ~~strike~~ and a very long line that has to wrap at the renderer width because it goes on and on.\r\n',
    '\r\n',
    '| 名前 | emoji | notes |\n|---|:-:|--:|\n| 中文 | 👩‍💻 | 1 |\n| ascii | ✅ | 22 |\n\n',
    '```python\ndef f(x):\n    return x * 2  # a comment that is long enough to wrap at forty columns\n```\n\n',
    '> quote\n> > nested quote with a [ref] link\n\n[ref]: https://example.org/ref\n\n',
    '1. one\n2. two\n   - nested\n     - deeper\n\n- [x] done\n- [ ] open\n\n',
    'Control characters \u001b[31m stay visible\u0007.\n\n---\n\nLast line without newline',
  ].join('')
  return {
    'answer.md': fs.readFileSync(path.join(repo, 'tests', 'fixtures', 'answer.md'), 'utf8'),
    'README.md': fs.readFileSync(path.join(repo, 'README.md'), 'utf8'),
    synthetic,
  }
}

/** xorshift32: the same splits on every run. */
function rng(seed) {
  let x = seed >>> 0 || 1
  return (n) => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x % n
  }
}

/** Splits `buf` (a Buffer) into chunks of 1 to `max` bytes, anywhere, even inside a UTF-8
 *  sequence or between \r and \n. */
function byteChunks(buf, next, max) {
  const out = []
  for (let i = 0; i < buf.length; ) {
    const n = 1 + next(max)
    out.push(buf.subarray(i, i + n))
    i += n
  }
  return out
}

/** Splits `text` into chunks of 1 to `max` code points (a JS string chunk must not split a
 *  surrogate pair: a lone surrogate is not Unicode and reaches termark as U+FFFD). */
function stringChunks(text, next, max) {
  const points = Array.from(text)
  const out = []
  for (let i = 0; i < points.length; ) {
    const n = 1 + next(max)
    out.push(points.slice(i, i + n).join(''))
    i += n
  }
  return out
}

/** Lines as plain objects (`Line.toJSON()`), for deep comparisons. */
const plain = (lines) => lines.map((l) => l.toJSON())

/** Streams `chunks` into a new stream of `renderer`, draining committed lines after every
 *  push (and asking for the tail when `tail` is set); returns every committed line, as
 *  plain objects. */
function streamAll(renderer, chunks, { tail = false } = {}) {
  const stream = renderer.stream()
  const lines = []
  for (const c of chunks) {
    stream.push(c)
    lines.push(...stream.newCommitted())
    if (tail) stream.tentative()
  }
  stream.finalize()
  lines.push(...stream.newCommitted())
  return { stream, lines: plain(lines) }
}

module.exports = { termark, documents, rng, byteChunks, stringChunks, streamAll, plain }
