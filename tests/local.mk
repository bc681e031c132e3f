# Unit tests (Check), one program per module, plus the boundary check.
# Time in the tests is virtual: no test has a wall-clock limit, so Check's
# default per-test timeout (4 s, easily hit under sanitizers on a busy
# machine) is switched off.
AM_TESTS_ENVIRONMENT = CK_DEFAULT_TIMEOUT=0; export CK_DEFAULT_TIMEOUT;
TESTS += tests/boundaries.sh
EXTRA_DIST += tests/boundaries.sh

TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS = src/core/libtvcore.a $(CHECK_LIBS)

check_PROGRAMS += tests/check_tv
tests_check_tv_SOURCES = tests/check_tv.c
tests_check_tv_CFLAGS = $(TEST_CFLAGS)
tests_check_tv_LDADD = $(TEST_LIBS)

# The layers under TCP (host, eth, arp, ipv4, icmp) share a small fixture.
L3_FIXTURE = tests/l3_fixture.c tests/l3_fixture.h
check_PROGRAMS += tests/check_host
tests_check_host_SOURCES = tests/check_host.c $(L3_FIXTURE)
tests_check_host_CFLAGS = $(TEST_CFLAGS)
tests_check_host_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_eth
tests_check_eth_SOURCES = tests/check_eth.c $(L3_FIXTURE)
tests_check_eth_CFLAGS = $(TEST_CFLAGS)
tests_check_eth_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_arp
tests_check_arp_SOURCES = tests/check_arp.c $(L3_FIXTURE)
tests_check_arp_CFLAGS = $(TEST_CFLAGS)
tests_check_arp_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_ipv4
tests_check_ipv4_SOURCES = tests/check_ipv4.c $(L3_FIXTURE)
tests_check_ipv4_CFLAGS = $(TEST_CFLAGS)
tests_check_ipv4_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_icmp
tests_check_icmp_SOURCES = tests/check_icmp.c $(L3_FIXTURE)
tests_check_icmp_CFLAGS = $(TEST_CFLAGS)
tests_check_icmp_LDADD = $(TEST_LIBS)

# The wire, the gate, the headless driver and the services.
check_PROGRAMS += tests/check_wire tests/check_gate tests/check_sim
tests_check_wire_SOURCES = tests/check_wire.c
tests_check_wire_CFLAGS = $(TEST_CFLAGS)
tests_check_wire_LDADD = $(TEST_LIBS)
tests_check_gate_SOURCES = tests/check_gate.c
tests_check_gate_CFLAGS = $(TEST_CFLAGS)
tests_check_gate_LDADD = $(TEST_LIBS)
tests_check_sim_SOURCES = tests/check_sim.c
tests_check_sim_CFLAGS = $(TEST_CFLAGS)
tests_check_sim_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_apps
tests_check_apps_SOURCES = tests/check_apps.c
tests_check_apps_CFLAGS = $(TEST_CFLAGS)
tests_check_apps_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_text
tests_check_text_SOURCES = tests/check_text.c
tests_check_text_CFLAGS = $(TEST_CFLAGS)
tests_check_text_LDADD = src/out/libtvout.a $(TEST_LIBS) $(LIBINTL)

# TCP: sequence arithmetic, then the stack driven through a two-host
# fixture (tcp_fixture.[ch], reusable by any test that needs connections).
TCP_FIXTURE = tests/tcp_fixture.c tests/tcp_fixture.h
check_PROGRAMS += tests/check_seq
tests_check_seq_SOURCES = tests/check_seq.c
tests_check_seq_CFLAGS = $(TEST_CFLAGS)
tests_check_seq_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_tcp
tests_check_tcp_SOURCES = tests/check_tcp.c $(TCP_FIXTURE)
tests_check_tcp_CFLAGS = $(TEST_CFLAGS)
tests_check_tcp_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_tcp_rst
tests_check_tcp_rst_SOURCES = tests/check_tcp_rst.c $(TCP_FIXTURE)
tests_check_tcp_rst_CFLAGS = $(TEST_CFLAGS)
tests_check_tcp_rst_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_tcp_timer
tests_check_tcp_timer_SOURCES = tests/check_tcp_timer.c $(TCP_FIXTURE)
tests_check_tcp_timer_CFLAGS = $(TEST_CFLAGS)
tests_check_tcp_timer_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_tcp_data
tests_check_tcp_data_SOURCES = tests/check_tcp_data.c $(TCP_FIXTURE)
tests_check_tcp_data_CFLAGS = $(TEST_CFLAGS)
tests_check_tcp_data_LDADD = $(TEST_LIBS)
# A listener under a SYN flood: the oldest half-open child recycled.
check_PROGRAMS += tests/check_syn_evict
tests_check_syn_evict_SOURCES = tests/check_syn_evict.c $(TCP_FIXTURE)
tests_check_syn_evict_CFLAGS = $(TEST_CFLAGS)
tests_check_syn_evict_LDADD = $(TEST_LIBS)
# RFC 9293 figure 5 transition by transition, and the 3.10.7 segment
# arrival rules as a state x segment-kind table.
check_PROGRAMS += tests/check_tcp_fig5 tests/check_tcp_matrix
tests_check_tcp_fig5_SOURCES = tests/check_tcp_fig5.c $(TCP_FIXTURE)
tests_check_tcp_fig5_CFLAGS = $(TEST_CFLAGS)
tests_check_tcp_fig5_LDADD = $(TEST_LIBS)
tests_check_tcp_matrix_SOURCES = tests/check_tcp_matrix.c $(TCP_FIXTURE)
tests_check_tcp_matrix_CFLAGS = $(TEST_CFLAGS)
tests_check_tcp_matrix_LDADD = $(TEST_LIBS)

TESTS += $(check_PROGRAMS)

# Data integrity end to end under loss, duplication and reordering.
check_PROGRAMS += tests/check_integrity
tests_check_integrity_SOURCES = tests/check_integrity.c tests/xfer.c tests/xfer.h
tests_check_integrity_CFLAGS = $(TEST_CFLAGS)
tests_check_integrity_LDADD = $(TEST_LIBS)

# The output writers (src/out), drawn from a real run (out_fixture).
OUT_FIXTURE = tests/out_fixture.c tests/out_fixture.h
OUT_LIBS = src/out/libtvout.a $(TEST_LIBS) $(JANSSON_LIBS) $(LIBINTL)
check_PROGRAMS += tests/check_transcript tests/check_ladder tests/check_json tests/check_pcap
tests_check_transcript_SOURCES = tests/check_transcript.c $(OUT_FIXTURE)
tests_check_transcript_CFLAGS = $(TEST_CFLAGS)
tests_check_transcript_LDADD = $(OUT_LIBS)
tests_check_ladder_SOURCES = tests/check_ladder.c $(OUT_FIXTURE)
tests_check_ladder_CFLAGS = $(TEST_CFLAGS)
tests_check_ladder_LDADD = $(OUT_LIBS)
tests_check_json_SOURCES = tests/check_json.c $(OUT_FIXTURE)
tests_check_json_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_check_json_LDADD = $(OUT_LIBS)
tests_check_pcap_SOURCES = tests/check_pcap.c $(OUT_FIXTURE)
tests_check_pcap_CFLAGS = $(TEST_CFLAGS)
tests_check_pcap_LDADD = $(OUT_LIBS)

# The command language: parser, executor, raw peer, fuzzing.
check_PROGRAMS += tests/check_script
SCRIPT_FIXTURE = tests/script_fixture.c tests/script_fixture.h
tests_check_script_SOURCES = tests/check_script.c $(SCRIPT_FIXTURE)
tests_check_script_CFLAGS = $(TEST_CFLAGS)
tests_check_script_LDADD = src/script/libtvscript.a $(TEST_LIBS) $(LIBINTL)

# Every limit a user can set, reached (LIMITS in tcpviz(1)).
check_PROGRAMS += tests/check_limits
tests_check_limits_SOURCES = tests/check_limits.c $(SCRIPT_FIXTURE)
tests_check_limits_CFLAGS = $(TEST_CFLAGS)
tests_check_limits_LDADD = src/script/libtvscript.a src/out/libtvout.a $(TEST_LIBS) $(LIBINTL)

# End to end: `tcpviz run` and `tcpviz lessons` on small scripts.
TESTS += tests/run_scripts.sh
EXTRA_DIST += tests/run_scripts.sh tests/scripts/pass-handshake.tvs \
	tests/scripts/pass-peer.tvs tests/scripts/pass-gate.tvs \
	tests/scripts/fail-state.tvs tests/scripts/fail-peer.tvs \
	tests/scripts/error-parse.tvs tests/scripts/error-runtime.tvs \
	tests/scripts/pass-rule-clear-keeps-held.tvs \
	tests/scripts/pass-chargen-keeps-sending.tvs \
	tests/scripts/pass-error-after-close.tvs

# RFC conformance: packetdrill-style scripts, one rule each, driving the
# stack through the raw peer (tests/conformance.sh runs them all).
TESTS += tests/conformance.sh
CONFORMANCE_TVS = \
	tests/conformance/abort-sends-rst.tvs \
	tests/conformance/ack-duplicate-ignored.tvs \
	tests/conformance/ack-unsent-data-dropped.tvs \
	tests/conformance/active-open-syn-fields.tvs \
	tests/conformance/challenge-ack-rate-limit.tvs \
	tests/conformance/close-syn-sent-deletes.tvs \
	tests/conformance/close-wait-can-send.tvs \
	tests/conformance/close-wait-data-ignored.tvs \
	tests/conformance/close-wait-last-ack.tvs \
	tests/conformance/cwnd-initial-window.tvs \
	tests/conformance/data-retries-give-up.tvs \
	tests/conformance/delayed-ack-200ms.tvs \
	tests/conformance/delayed-ack-every-second-segment.tvs \
	tests/conformance/fast-retransmit-3-dupacks.tvs \
	tests/conformance/fin-after-hole-waits.tvs \
	tests/conformance/fin-consumes-seq.tvs \
	tests/conformance/fin-retransmit-rto.tvs \
	tests/conformance/fin-wait-1-fin-ack-time-wait.tvs \
	tests/conformance/half-close-receives-data.tvs \
	tests/conformance/keepalive-answered.tvs \
	tests/conformance/keepalive-default-off.tvs \
	tests/conformance/keepalive-idle-configurable.tvs \
	tests/conformance/keepalive-probe-answered.tvs \
	tests/conformance/keepalive-probes.tvs \
	tests/conformance/last-ack-rst-closes.tvs \
	tests/conformance/listen-ack-rst.tvs \
	tests/conformance/listen-no-syn-dropped.tvs \
	tests/conformance/listen-rst-ignored.tvs \
	tests/conformance/mss-above-mtu-clamped.tvs \
	tests/conformance/mss-absent-default-536.tvs \
	tests/conformance/mss-option-honoured.tvs \
	tests/conformance/mss-zero-clamped.tvs \
	tests/conformance/nagle-off.tvs \
	tests/conformance/nagle.tvs \
	tests/conformance/newreno-partial-ack.tvs \
	tests/conformance/no-ack-bit-dropped.tvs \
	tests/conformance/ooo-reassembly.tvs \
	tests/conformance/options-unknown-ignored.tvs \
	tests/conformance/persist-never-gives-up.tvs \
	tests/conformance/persist-probe-accepted.tvs \
	tests/conformance/persist-probe-backoff.tvs \
	tests/conformance/persist-probe-karn.tvs \
	tests/conformance/rfc5961-ack-too-old-challenge.tvs \
	tests/conformance/rfc5961-rst-exact-resets.tvs \
	tests/conformance/rfc5961-rst-inexact-challenge.tvs \
	tests/conformance/rfc5961-syn-in-established-challenge.tvs \
	tests/conformance/rst-closed-port-ack.tvs \
	tests/conformance/rst-closed-port-noack.tvs \
	tests/conformance/rst-closed-port-rst-ignored.tvs \
	tests/conformance/rst-out-of-window-ignored.tvs \
	tests/conformance/rto-backoff-cap-60s.tvs \
	tests/conformance/rto-backoff-doubles.tvs \
	tests/conformance/rto-computed-from-rtt.tvs \
	tests/conformance/rto-initial-1s.tvs \
	tests/conformance/rto-karn.tvs \
	tests/conformance/rto-loss-window.tvs \
	tests/conformance/rto-min-1s.tvs \
	tests/conformance/rto-restart-on-new-ack.tvs \
	tests/conformance/rto-stopped-when-all-acked.tvs \
	tests/conformance/rto-syn-retransmitted-3s.tvs \
	tests/conformance/rto-synack-retransmitted-3s.tvs \
	tests/conformance/send-window-limit.tvs \
	tests/conformance/seq-beyond-window-trimmed.tvs \
	tests/conformance/seq-overlap-trimmed.tvs \
	tests/conformance/seq-unacceptable-ack.tvs \
	tests/conformance/seq-wraparound.tvs \
	tests/conformance/simultaneous-close-closing.tvs \
	tests/conformance/simultaneous-open.tvs \
	tests/conformance/snd-wnd-update-wl1.tvs \
	tests/conformance/sws-receiver-window.tvs \
	tests/conformance/sws-sender-avoidance.tvs \
	tests/conformance/syn-rcvd-ack-with-data.tvs \
	tests/conformance/syn-rcvd-active-rst-refused.tvs \
	tests/conformance/syn-rcvd-bad-ack-rst.tvs \
	tests/conformance/syn-rcvd-dup-syn-timer-restart.tvs \
	tests/conformance/syn-rcvd-fin-close-wait.tvs \
	tests/conformance/syn-rcvd-rst-listen.tvs \
	tests/conformance/syn-rcvd-syn-listen.tvs \
	tests/conformance/syn-retries-give-up.tvs \
	tests/conformance/syn-sent-ack-without-syn-dropped.tvs \
	tests/conformance/syn-sent-bad-ack-rst.tvs \
	tests/conformance/syn-sent-rst-bad-ack-ignored.tvs \
	tests/conformance/syn-sent-rst-noack-ignored.tvs \
	tests/conformance/syn-sent-rst-refused.tvs \
	tests/conformance/synack-fields.tvs \
	tests/conformance/synack-retransmit-backoff.tvs \
	tests/conformance/time-wait-2msl.tvs \
	tests/conformance/time-wait-fin-reack.tvs \
	tests/conformance/time-wait-rst-ignored-rfc1337.tvs \
	tests/conformance/time-wait-syn-challenge.tvs \
	tests/conformance/time-wait-tuple-reusable-after-2msl.tvs \
	tests/conformance/window-update.tvs \
	tests/conformance/wscale-absent-off.tvs \
	tests/conformance/wscale-negotiated.tvs \
	tests/conformance/wscale-shift-clamped-14.tvs \
	tests/conformance/wscale-syn-window-unscaled.tvs \
	tests/conformance/zero-window-ack-accepted.tvs \
	tests/conformance/zero-window-probe-acked.tvs
EXTRA_DIST += tests/conformance.sh $(CONFORMANCE_TVS)

# The lesson library: each scenarios/*.tvs run with the default options
# must print exactly tests/lessons/NAME.out (TCPVIZ_REGEN=1 rewrites
# them), and scenarios/narration.c must match the lessons' `say` lines.
TESTS += tests/lessons.sh tests/narration.sh
LESSON_OUT = \
	tests/lessons/close.out \
	tests/lessons/close-wait-pileup.out \
	tests/lessons/final-ack-lost.out \
	tests/lessons/half-close.out \
	tests/lessons/handshake.out \
	tests/lessons/keepalive-dead-peer.out \
	tests/lessons/keepalive-live-peer.out \
	tests/lessons/last-ack-lost.out \
	tests/lessons/loss-fast-retransmit.out \
	tests/lessons/old-duplicate-syn.out \
	tests/lessons/rst-closed-port.out \
	tests/lessons/simultaneous-close.out \
	tests/lessons/simultaneous-open.out \
	tests/lessons/syn-flood.out \
	tests/lessons/syn-lost.out \
	tests/lessons/synack-lost.out \
	tests/lessons/zero-window.out
EXTRA_DIST += tests/lessons.sh tests/narration.sh tests/gen-narration.sh $(LESSON_OUT)

# Every message is translated in every catalog (po/LINGUAS), none fuzzy.
TESTS += tests/po-complete.sh
EXTRA_DIST += tests/po-complete.sh

# The daemon's control socket, in-process on a live runtime with real
# client sockets (a temporary directory, no network), the client codec
# and the JSON event decoder; then `tcpviz daemon` and `tcpviz ctl` end
# to end.
check_PROGRAMS += tests/check_daemon
tests_check_daemon_SOURCES = tests/check_daemon.c $(OUT_FIXTURE)
tests_check_daemon_CFLAGS = $(TEST_CFLAGS) $(LIBUV_CFLAGS) $(JANSSON_CFLAGS) -pthread
tests_check_daemon_LDADD = src/daemon/libtvdaemon.a src/host/libtvhost.a \
	src/script/libtvscript.a src/out/libtvout.a $(TEST_LIBS) $(LIBUV_LIBS) \
	$(JANSSON_LIBS) $(LIBINTL) -lm
tests_check_daemon_LDFLAGS = -pthread
TESTS += tests/daemon.sh
EXTRA_DIST += tests/daemon.sh

# The live runtime on the in-memory wire (no TAP): clock, waits,
# shutdown, queued commands; and the core pieces it rests on.
check_PROGRAMS += tests/check_rt
tests_check_rt_SOURCES = tests/check_rt.c
tests_check_rt_CFLAGS = $(TEST_CFLAGS) $(LIBUV_CFLAGS)
tests_check_rt_LDADD = src/host/libtvhost.a src/script/libtvscript.a src/out/libtvout.a \
	$(TEST_LIBS) $(LIBUV_LIBS) $(JANSSON_LIBS) $(LIBINTL) -lm

# Interop with the Linux kernel across a TAP device: each test makes its
# own network namespace and sends nothing outside it; SKIP (77) without
# root, /dev/net/tun, unshare or the tool it needs (nc, curl, ping).
NETNS_TESTS = tests/netns/ping.sh tests/netns/echo.sh tests/netns/http.sh \
	tests/netns/daytime.sh tests/netns/client.sh \
	tests/netns/shutdown.sh tests/netns/impair.sh tests/netns/bulk.sh \
	tests/netns/gate.sh tests/netns/daemon.sh tests/netns/user.sh
TESTS += $(NETNS_TESTS)
EXTRA_DIST += $(NETNS_TESTS) tests/netns/lib.sh
# Floods and load over TAP (issue 6): a SYN flood, 1,000 concurrent
# echo clients (tests/netns/echoload), a control client that never reads.
LOAD_TESTS = tests/netns/synflood.sh tests/netns/manyclients.sh tests/netns/ctlflood.sh
TESTS += $(LOAD_TESTS)
EXTRA_DIST += $(LOAD_TESTS)
noinst_PROGRAMS += tests/netns/echoload
tests_netns_echoload_SOURCES = tests/netns/echoload.c

# The TAP link's offloads: super-frames apart and together (no device).
check_PROGRAMS += tests/check_vnet
tests_check_vnet_SOURCES = tests/check_vnet.c
tests_check_vnet_CFLAGS = $(TEST_CFLAGS) $(LIBUV_CFLAGS)
tests_check_vnet_LDADD = src/host/libtvhost.a $(TEST_LIBS)

# The TUI's views without a terminal: widths and the canvas, then the
# layout and every pane drawn from models built by hand and from real
# runs of the headless sim.
TUI_TEST_LIBS = tui/libtvtui.a src/out/libtvout.a $(TEST_LIBS) $(JANSSON_LIBS) $(LIBINTL)
check_PROGRAMS += tests/check_tui_canvas
tests_check_tui_canvas_SOURCES = tests/check_tui_canvas.c
tests_check_tui_canvas_CFLAGS = $(TEST_CFLAGS)
tests_check_tui_canvas_LDADD = $(TUI_TEST_LIBS)
check_PROGRAMS += tests/check_tui_view
tests_check_tui_view_SOURCES = tests/check_tui_view.c $(OUT_FIXTURE)
tests_check_tui_view_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_check_tui_view_LDADD = tui/libtvtui.a src/daemon/libtvdaemon.a src/out/libtvout.a \
	$(TUI_TEST_LIBS)

# The TUI's model and explanations (tui/libtvtui.a), fed by a real
# headless sim, snapshots from the daemon's snap_hosts() and the JSON the
# daemon sends; tui_fixture builds a 10,000-connection model (also for
# bench/).  The model test wraps the allocator to fail allocations one by
# one.
TUI_FIXTURE = tests/tui_fixture.c tests/tui_fixture.h
check_PROGRAMS += tests/check_tui_model tests/check_tui_explain
tests_check_tui_model_SOURCES = tests/check_tui_model.c $(TUI_FIXTURE)
tests_check_tui_model_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_check_tui_model_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
tests_check_tui_model_LDADD = tui/libtvtui.a src/daemon/libtvdaemon.a src/out/libtvout.a \
	$(TEST_LIBS) $(JANSSON_LIBS) $(LIBINTL)
tests_check_tui_explain_SOURCES = tests/check_tui_explain.c
tests_check_tui_explain_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_check_tui_explain_LDADD = tui/libtvtui.a src/daemon/libtvdaemon.a src/out/libtvout.a \
	$(TEST_LIBS) $(JANSSON_LIBS) $(LIBINTL)

# The TUI's prompt editor; its in-process engine and protocol client on a
# socketpair, and the step back's replay rebuilding the same world.
check_PROGRAMS += tests/check_tui_prompt tests/check_tui_engine
tests_check_tui_prompt_SOURCES = tests/check_tui_prompt.c
tests_check_tui_prompt_CFLAGS = $(TEST_CFLAGS)
tests_check_tui_prompt_LDADD = $(TUI_TEST_LIBS)
tests_check_tui_engine_SOURCES = tests/check_tui_engine.c
tests_check_tui_engine_CFLAGS = $(TEST_CFLAGS) $(LIBUV_CFLAGS) $(JANSSON_CFLAGS)
tests_check_tui_engine_LDADD = tui/libtvscreen.a tui/libtvtui.a src/daemon/libtvdaemon.a \
	src/host/libtvhost.a src/script/libtvscript.a src/out/libtvout.a $(TEST_LIBS) \
	$(LIBUV_LIBS) $(JANSSON_LIBS) $(LIBINTL) -lm

# The TUI end to end through tmux, each test on a tmux server of its own
# (SKIP 77 without tmux): the demo's handshake stepped to ESTABLISHED, the
# close with the last ACK lost, help, resize, Chinese and the language
# switch, two TUIs on a daemon (one read-only), a lesson played and
# stepped back, the step back and export in the demo.
TUI_TESTS = tests/tui/handshake.sh tests/tui/close.sh tests/tui/help.sh \
	tests/tui/resize.sh tests/tui/zh.sh tests/tui/attach.sh tests/tui/play.sh \
	tests/tui/back.sh tests/tui/rules.sh tests/tui/tap.sh
TESTS += $(TUI_TESTS)
EXTRA_DIST += $(TUI_TESTS) tests/tui/lib.sh

# Fault injection (issue 6, part 4): allocation failures swept through
# real runs of the core (every allocation in turn, then every nth), and a
# 10-minute virtual-time soak among four hosts; both count live
# allocations through the wrapped allocator of tests/alloc_wrap.c.
ALLOC_WRAP = tests/alloc_wrap.c tests/alloc_wrap.h
WRAP_ALLOC_FLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup
check_PROGRAMS += tests/check_oom
tests_check_oom_SOURCES = tests/check_oom.c $(ALLOC_WRAP)
tests_check_oom_CFLAGS = $(TEST_CFLAGS)
tests_check_oom_LDFLAGS = $(WRAP_ALLOC_FLAGS)
tests_check_oom_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_soak
tests_check_soak_SOURCES = tests/check_soak.c tests/invariant.c tests/invariant.h $(ALLOC_WRAP)
tests_check_soak_CFLAGS = $(TEST_CFLAGS)
tests_check_soak_LDFLAGS = $(WRAP_ALLOC_FLAGS)
tests_check_soak_LDADD = $(TEST_LIBS)
