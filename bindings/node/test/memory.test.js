'use strict'
// Memory stays flat over 1,000 messages: every stream is finalized (no live state), then
// released (nothing held), and JavaScript drops its Stream objects. Their Rust side is
// freed by a finalizer that Node runs on a later turn of the event loop after a garbage
// collection, so the loop yields between messages as an app does. Run with --expose-gc
// (package.json's test script does; without it the test turns the flag on itself).
const test = require('node:test')
const assert = require('node:assert/strict')
const v8 = require('node:v8')
const vm = require('node:vm')
const { termark, documents, rng, byteChunks } = require('./helpers')

// `global.gc` with --expose-gc; otherwise the same function through V8's flag.
function getGc() {
  if (typeof global.gc === 'function') return global.gc
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc')
}

test('1,000 messages: no live state after finalize, nothing held after release, flat memory', async (t) => {
  const gc = getGc()
  const renderer = new termark.Renderer({ width: 80 })
  const doc = Buffer.from(documents()['answer.md'], 'utf8')
  const next = rng(7)
  const message = () => {
    const stream = renderer.stream()
    let lines = 0
    for (const c of byteChunks(doc, next, 24)) {
      stream.push(c)
      lines += stream.newCommitted().length
      if (next(8) === 0) stream.tentative()
    }
    stream.finalize()
    lines += stream.newCommitted().length
    assert.equal(stream.hasLiveState, false)
    stream.release()
    assert.equal(stream.heapBytes, 0)
    return lines
  }
  const expected = renderer.render(doc.toString('utf8')).length
  const turn = () => new Promise((resolve) => setImmediate(resolve))
  const sample = async () => {
    for (let i = 0; i < 3; i++) {
      gc()
      await turn()
    }
    const m = process.memoryUsage()
    return { rss: m.rss, heap: m.heapUsed, external: m.external }
  }
  const messages = async (n) => {
    for (let i = 0; i < n; i++) {
      assert.equal(message(), expected)
      if (i % 10 === 9) await turn()
    }
  }
  await messages(300) // warm-up: the allocator and V8 reach their working size
  const before = await sample()
  await messages(1000)
  const after = await sample()
  const mb = (n) => (n / 1048576).toFixed(2)
  const growth = {
    rss: after.rss - before.rss,
    heap: after.heap - before.heap,
    external: after.external - before.external,
  }
  t.diagnostic(`growth over 1,000 messages of ${doc.length} bytes: rss ${mb(growth.rss)} MB, JS heap ${mb(growth.heap)} MB, external ${mb(growth.external)} MB`)
  // 1,000 messages stream 2.4 MB of Markdown into some 60,000 lines: a leak of even one
  // line buffer or one Stream per message would exceed these bounds.
  assert.ok(growth.rss < 4 * 1048576, `rss grew ${mb(growth.rss)} MB`)
  assert.ok(growth.heap < 2 * 1048576, `JS heap grew ${mb(growth.heap)} MB`)
})
