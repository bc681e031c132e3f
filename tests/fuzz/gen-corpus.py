#!/usr/bin/env python3
# gen-corpus.py - write the seed corpus of the fuzz targets (tests/fuzz).
#
#   python3 tests/fuzz/gen-corpus.py tests/fuzz/corpus [BUILD/tests/fuzz/fuzz_ctl]
#
# Run by hand when an input format changes; the output is committed.  The
# formats are described at the top of each target's .c file.  Given the
# fuzz_ctl binary, the client-side seeds of fuzz_ctl also include what a
# real server answers to the server-side seeds (captured through its
# TCPVIZ_FUZZ_DEBUG output), so the JSON the codec and the TUI model start
# from is the real thing.
import os
import struct
import subprocess
import sys

out = sys.argv[1]
ctl_bin = sys.argv[2] if len(sys.argv) > 2 else None
here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(os.path.dirname(here))


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# TCP flags and options
FIN, SYN, RST, PSH, ACK, URG = 1, 2, 4, 8, 16, 32
MSS = bytes([2, 4, 0x05, 0xb4])
WS = bytes([1, 3, 3, 7])
SACKOK = bytes([4, 2, 1, 1])
TS = bytes([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0])


def aimed(mode, seq, ack, flags, win=65535, opts=b"", payload=b""):
    """fuzz.h fz_aimed: mode, seq, ack, flags, window, options, payload."""
    return (bytes([mode]) + struct.pack(">IIBHB", seq & 0xffffffff, ack & 0xffffffff,
                                        flags, win, len(opts)) + opts + payload)


REL = 3  # seq relative to RCV.NXT, ack relative to SND.UNA

# ---- fuzz_frame: [state][how] + frame ------------------------------------
STATES = ["listen", "syn-sent", "syn-received", "established", "fin-wait-1",
          "fin-wait-2", "close-wait", "closing", "last-ack", "time-wait"]
SEGS = {
    "ack-data": aimed(REL, 0, 0, ACK | PSH, payload=b"hello, tcpviz\n"),
    "ack-fin": aimed(REL, 0, 1, ACK | FIN),
    "rst": aimed(REL, 0, 0, RST),
    "syn-opts": aimed(REL | 4, 0, 0, SYN, opts=MSS + WS + SACKOK + TS),
    "ack-old": aimed(REL, 0, -70000, ACK),
    "data-beyond-window": aimed(REL, 300000, 0, ACK, payload=b"x" * 64),
}
for i, st in enumerate(STATES):
    for name, seg in SEGS.items():
        put("fuzz_frame", "%02d-%s-%s" % (i, st, name), bytes([i, 7]) + seg)
# A SYN,ACK answering SYN-SENT, a SYN for the listener, raw bytes.
put("fuzz_frame", "01-syn-sent-synack",
    bytes([1, 7]) + aimed(2, 5000, 1, SYN | ACK, opts=MSS + WS))
put("fuzz_frame", "00-listen-syn-mss0",
    bytes([0, 7]) + aimed(4, 1, 0, SYN, opts=bytes([2, 4, 0, 0])))
put("fuzz_frame", "03-established-raw", bytes([3, 6]) + bytes(range(64)))
put("fuzz_frame", "03-established-bad-options",
    bytes([3, 7]) + aimed(REL, 0, 0, ACK, opts=bytes([8, 0, 2, 1])))

# ---- fuzz_seq: records [gap][op][len][arg] -------------------------------
# Sockets by index: 0 B's listener on 80, 1 B's on 81 (never accepts),
# 2 A's on 82, 3 A's connection to B:80, 4 B's accepted end of it.


def rec(op, arg=b"", gap=0):
    return bytes([gap, op, len(arg)]) + arg


def app(side, idx, what, arg=b""):
    return rec(6 | side << 3 | idx << 4, bytes([what]) + arg)


SEND, RECV, SHUT, CLOSE, ABORT, CONNECT = 0, 2, 3, 4, 5, 7
DELIVER_ALL = 7
SEC = 0x80 | 0   # gap units of 10 s: 0x80 | n
put("fuzz_seq", "send-recv",
    app(0, 3, SEND, b"hello B") + rec(DELIVER_ALL) + app(1, 4, RECV, b"\x10\x00") +
    rec(DELIVER_ALL, gap=0x40 | 3))
put("fuzz_seq", "send-bulk-zero-window",
    app(0, 3, SEND | 8, b"\x08\x00") + rec(DELIVER_ALL) + rec(DELIVER_ALL, gap=0x80 | 1) +
    rec(DELIVER_ALL, gap=0x80 | 6) + app(1, 4, RECV, b"\xff\xff") + rec(DELIVER_ALL))
put("fuzz_seq", "close-time-wait",
    app(0, 3, SHUT) + rec(DELIVER_ALL) + app(1, 4, CLOSE) + rec(DELIVER_ALL) +
    rec(DELIVER_ALL, gap=0xc0 | 1))
put("fuzz_seq", "abort",
    app(0, 3, SEND, b"data") + app(0, 3, ABORT) + rec(DELIVER_ALL))
put("fuzz_seq", "backlog-full",
    app(0, 0, CONNECT, b"\x01") + app(0, 0, CONNECT, b"\x01") + app(0, 0, CONNECT, b"\x01") +
    rec(DELIVER_ALL) + rec(DELIVER_ALL, gap=0x80 | 1))
put("fuzz_seq", "loss-rexmit",
    app(0, 3, SEND, b"lost") + rec(4) + rec(DELIVER_ALL, gap=0x40 | 15) + rec(DELIVER_ALL))
put("fuzz_seq", "duplicate",
    app(0, 3, SEND, b"twice") + rec(5) + rec(DELIVER_ALL))
put("fuzz_seq", "keepalive-idle",
    rec(DELIVER_ALL, gap=0x80 | 4) + rec(DELIVER_ALL, gap=0x80 | 1) +
    rec(4, gap=0x80 | 1) + rec(DELIVER_ALL, gap=0xc0 | 1))
put("fuzz_seq", "aimed-syn-b",
    rec(1 | 1 << 3, aimed(4, 100, 0, SYN, opts=MSS)) + rec(DELIVER_ALL))
put("fuzz_seq", "aimed-rst-a",
    rec(1 | 0 << 3 | 1 << 4, aimed(REL, 0, 0, RST)) + rec(DELIVER_ALL))
put("fuzz_seq", "ooo-data",
    rec(2 | 1 << 3 | 1 << 4, aimed(REL, 100, 0, ACK, payload=b"o" * 200)) +
    rec(2 | 1 << 3 | 1 << 4, aimed(REL, 0, 0, ACK, payload=b"i" * 100)) + rec(DELIVER_ALL))
put("fuzz_seq", "connect-a-listener",
    app(1, 0, CONNECT, b"\x02") + rec(DELIVER_ALL) + rec(DELIVER_ALL, gap=0x80 | 1))

# ---- fuzz_script: [how] + text -------------------------------------------
LINES = [
    "listen B:80 as srv accept s",
    "connect A to B:80 as c",
    "run until c is ESTABLISHED within 5s",
    "send c \"hello\\n\"",
    "send c 100000 zeros",
    "expect c snd.una == 1",
    "expect B tcp.rst_sent == 0",
    "wire A -> B delay 10ms loss 5% dup 1% reorder 2%",
    "hold B in",
    "step",
    "drop next",
    "rule on B in flags S drop count 1",
    "set rto_min 200ms",
    "start B all",
    "run 3s",
    "next timer",
    "peer P 10.0.0.9 port 40000 to B:80",
    "0 > S 0:0(0) win 65535 <mss 1460,wscale 3>",
    "+0.1 < S. 0:0(0) ack 1 win 1000 <mss 536,nop,sackOK,TS val 1 ecr 0>",
    "close c",
    "abort c",
    "say \"narration\"",
    "# a comment",
]
put("fuzz_script", "lines-parse", b"\x00" + "\n".join(LINES).encode())
put("fuzz_script", "lines-run", b"\x01" + "\n".join(LINES[:8] + LINES[13:16] + LINES[19:20]).encode())
for i, line in enumerate(LINES):
    put("fuzz_script", "line-%02d" % i, b"\x01" + line.encode())
for name in ["pass-handshake.tvs", "pass-gate.tvs", "pass-peer.tvs", "error-parse.tvs"]:
    with open(os.path.join(top, "tests", "scripts", name), "rb") as f:
        put("fuzz_script", "script-" + name, b"\x03" + f.read())
for name in ["simultaneous-open.tvs", "ooo-reassembly.tvs", "persist-probe-backoff.tvs",
             "rfc5961-rst-inexact-challenge.tvs", "keepalive-probes.tvs",
             "fast-retransmit-3-dupacks.tvs", "syn-rcvd-rst-listen.tvs", "seq-wraparound.tvs"]:
    with open(os.path.join(top, "tests", "conformance", name), "rb") as f:
        put("fuzz_script", "conf-" + name, b"\x03" + f.read())

# ---- fuzz_ctl: [how] + bytes ---------------------------------------------
REQS = {
    "hello-snapshot": "hello 1\nsnapshot\n",
    "readonly": "hello 1 readonly\nconnect A to B:7 as c\nsnapshot\nquit\n",
    "subscribe-connect": "subscribe only state,seg_out\nconnect A to B:7 as c\nsend c \"hi\"\nping\n",
    "subscribe-history": "connect A to B:13 as d\nsubscribe json\nstats\nunsubscribe\n",
    "speed-skip": "speed 100\nspeed\nskip\nresume\npause\nresume\nhelp\n",
    "bad-lines": "\xff\xfe bad utf-8\nnonsense words\nexpect c is ESTABLISHED\n\nhello 99\n",
    "crlf-half": "ping\r\nsnapshot\r\nping",
    "wait-cut": "connect A to B:19 as g\nrun 5s\nsnapshot\n",
}
for name, text in REQS.items():
    put("fuzz_ctl", "server-" + name, b"\x01" + text.encode("latin-1"))
CLIENT = {
    "greeting": b'{"tcpviz":1,"version":"0.1.0","readonly":false,"time":5,'
                b'"hosts":[{"id":1,"name":"A","addr":"10.0.0.1"},{"id":2,"name":"B","addr":"10.0.0.2"}]}\n',
    "reply-error": b'{"reply":1,"ok":false,"status":"error","error":"request:1:1: unknown"}\n',
    "notice-bye": b'{"notice":"hosts","hosts":[{"id":3,"name":"P","addr":"10.0.0.9"}]}\n'
                  b'{"notice":"skipped","events":12}\n{"bye":"quit","message":"bye"}\n',
    "not-json": b'{"reply":\n[1,2]\n"x"\n{}\n',
}
for name, data in CLIENT.items():
    put("fuzz_ctl", "client-" + name, b"\x00" + data)
if ctl_bin:
    for name, text in REQS.items():
        if name in ("bad-lines", "crlf-half", "speed-skip"):
            continue
        p = subprocess.run([ctl_bin, os.path.join(out, "fuzz_ctl", "server-" + name)],
                           env=dict(os.environ, TCPVIZ_FUZZ_DEBUG="1"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        lines = [l for l in p.stderr.split(b"\n") if l.startswith(b"{")]
        put("fuzz_ctl", "client-real-" + name, b"\x00" + b"\n".join(lines) + b"\n")
