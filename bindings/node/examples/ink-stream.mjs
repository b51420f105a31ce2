// An Ink app that streams a Markdown answer through termark, the way a chat CLI shows an
// LLM's reply: committed lines go to <Static> (Ink prints them once, above the app, and
// never redraws them), and the open block is a live tail component redrawn on a timer.
//
//   npm install && node ink-stream.mjs [FILE.md]      (default: the repository's sample answer)
//
// Environment: TERMARK_CPS=characters per second of the simulated model (default 400).
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import React, { useEffect, useState } from 'react'
import { Box, Static, Text, render, useApp } from 'ink'

const require = createRequire(import.meta.url)
const { Renderer } = require('..') // the binding (bindings/node); `require('termark')` once installed
const here = path.dirname(fileURLToPath(import.meta.url))
const file = process.argv[2] ?? path.join(here, '..', '..', '..', 'tests', 'fixtures', 'answer.md')
const answer = fs.readFileSync(file) // bytes: chunks may split a UTF-8 character
const cps = Number(process.env.TERMARK_CPS ?? 400)
const h = React.createElement

const columns = () => Math.max(20, Math.min(process.stdout.columns || 80, 120))
const rows = () => process.stdout.rows || 24

// One renderer for the app, one stream per message. The tail is capped so that it always
// fits on the screen with the status line (the cursor cannot move up into scrollback).
const renderer = new Renderer({ width: columns(), tailRows: Math.max(2, rows() - 3) })

function Message() {
  const { exit } = useApp()
  const [committed, setCommitted] = useState([]) // { key, ansi } for <Static>
  const [tail, setTail] = useState([]) // ansi strings of the open block
  const [status, setStatus] = useState('')

  useEffect(() => {
    const stream = renderer.stream()
    let sent = 0
    let keys = 0
    let done = false
    // The "model": a few bytes at a time, on its own clock.
    const model = setInterval(() => {
      const n = 1 + Math.floor(Math.random() * 12)
      stream.push(answer.subarray(sent, sent + n))
      sent += n
      if (sent >= answer.length) {
        clearInterval(model)
        stream.finalize()
        done = true
      }
    }, Math.max(1, Math.round((1000 * 6.5) / cps)))
    // Frames: 30 a second, whatever the model's pace.
    const frame = setInterval(() => {
      const fresh = stream.newCommitted()
      if (fresh.length) setCommitted((c) => [...c, ...fresh.map((l) => ({ key: keys++, ansi: l.ansi }))])
      setTail(done ? [] : stream.tentative().map((l) => l.ansi))
      setStatus(done ? '' : `streaming: ${sent} of ${answer.length} bytes, ${keys} lines committed`)
      if (done) {
        clearInterval(frame)
        stream.release()
        setTimeout(exit, 50)
      }
    }, 33)
    // A resize: the open block and later commits use the new width; printed lines stay.
    const resize = () => stream.setWidth(columns())
    process.stdout.on('resize', resize)
    return () => {
      clearInterval(model)
      clearInterval(frame)
      process.stdout.off('resize', resize)
    }
  }, [])

  return h(
    Box,
    { flexDirection: 'column' },
    h(Static, { items: committed }, (line) => h(Text, { key: line.key }, line.ansi || ' ')),
    ...tail.map((ansi, i) => h(Text, { key: i }, ansi || ' ')),
    status ? h(Text, { dimColor: true }, status) : null,
  )
}

render(h(Message))
