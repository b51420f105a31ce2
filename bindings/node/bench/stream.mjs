// The Node.js side of the binding's benchmark (run it through bench/run.sh):
//   node stream.mjs binding FILE [--chunk 16] [--messages 20] [--no-highlight]
//   node stream.mjs marked FILE [--chunk 16] [--stride K]
// `binding` streams FILE in CHUNK-byte Buffers through the addon (push, then newCommitted()
// when push says lines are waiting; each line's ansi and plain are read; finalize, release), as many messages as asked after one warm-up message.
// `marked` re-renders the whole prefix with marked + marked-terminal after every chunk, the
// way Ink apps stream Markdown today; with --stride K it renders only every K-th prefix (and
// the last) and scales the time up by K, as the output says. Prints one JSON line: CPU
// seconds per message (process.cpuUsage: user + system).
import fs from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const args = process.argv.slice(2)
const what = args[0]
const file = args[1]
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i < 0 ? dflt : Number(args[i + 1])
}
const chunk = opt('--chunk', 16)
const bytes = fs.readFileSync(file)
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

if (what === 'binding') {
  const { Renderer } = require('..')
  const messages = opt('--messages', 20)
  const highlight = !args.includes('--no-highlight')
  const renderer = new Renderer({ width: 80, highlight })
  const chunks = []
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk))
  const run = () => {
    const stream = renderer.stream()
    let lines = 0
    let out = 0
    for (const c of chunks) {
      if (stream.push(c) === 0) continue // nothing committed by this chunk
      for (const l of stream.newCommitted()) {
        lines++
        out += l.ansi.length + l.plain.length
      }
    }
    stream.finalize()
    for (const l of stream.newCommitted()) {
      lines++
      out += l.ansi.length + l.plain.length
    }
    stream.release()
    return { lines, out }
  }
  // Warm-up: V8's JIT and the syntaxes of the input's languages.
  for (let i = 0; i < 3; i++) run()
  const { lines } = run()
  const c0 = cpu()
  for (let i = 0; i < messages; i++) run()
  const per = (cpu() - c0) / messages
  console.log(JSON.stringify({ path: 'binding', highlight, bytes: bytes.length, chunk, messages, lines, cpu_s_per_message: per }))
} else if (what === 'marked') {
  process.env.FORCE_COLOR = process.env.FORCE_COLOR || '3'
  const { Marked } = await import('marked')
  const { markedTerminal } = await import('marked-terminal')
  const marked = new Marked()
  marked.use(markedTerminal({ width: 80, reflowText: true }))
  const stride = opt('--stride', 1)
  const text = bytes.toString('utf8')
  const td = new TextDecoder('utf-8')
  const n = Math.ceil(bytes.length / chunk)
  marked.parse(text) // warm-up (JIT, highlight.js languages), untimed
  const c0 = cpu()
  let renders = 0
  let lastCpu = 0
  for (let i = 1; i <= n; i++) {
    if (i % stride && i !== n) continue
    let prefix = td.decode(bytes.subarray(0, Math.min(i * chunk, bytes.length)))
    if (prefix.endsWith('\uFFFD')) prefix = prefix.slice(0, -1) // a chunk edge inside a character
    const r0 = cpu()
    marked.parse(prefix)
    lastCpu = cpu() - r0
    renders++
  }
  const measured = cpu() - c0
  // Every prefix but the last stands for `stride` prefixes of about its size.
  const est = stride === 1 ? measured : (measured - lastCpu) * stride + lastCpu
  console.log(JSON.stringify({ path: 'marked-terminal', bytes: bytes.length, chunk, chunks: n, stride, renders, measured_cpu_s: measured, cpu_s_per_message: est, last_render_cpu_s: lastCpu }))
} else {
  console.error('usage: node stream.mjs binding|marked FILE [--chunk N] [--messages N] [--stride K]')
  process.exit(2)
}
