/*
 * check_script.c - tests for the command language (src/script): every
 * command parses into the right value and executes against a sim; every
 * error message comes out exactly, as `file:line:col: message`, and an
 * unknown word gets the nearest one suggested; the raw peer speaks the
 * packetdrill subset; expectations hold and fail as they should; and no
 * input at all (random bytes, NULs, huge lines, unterminated strings,
 * numbers out of range, nesting) can crash the parser or the executor.
 *
 * Scripts run in virtual time from seed 1; tests run in the C locale, so
 * messages are the English originals.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/tcb.h"
#include "script/internal.h"
#include "script/script.h"
#include "script_fixture.h"

/* ---- parsing one line ---- */

static struct script_cmd cmd;
static struct script_error perr;

static int parse(const char *line)
{
	script_cmd_free(&cmd);
	return script_parse_line("t.tvs", 1, line, strlen(line), &cmd, &perr);
}

/* The rendered error of a line that must not parse. */
static const char *parse_error(const char *line)
{
	static char buf[1024];

	if (parse(line) == 0)
		return "(parsed)";
	script_error_format(&perr, buf, sizeof(buf));
	return buf;
}

static void parse_ok(const char *line, enum script_cmd_kind kind)
{
	if (parse(line) != 0) {
		char buf[1024];
		script_error_format(&perr, buf, sizeof(buf));
		ck_abort_msg("'%s' did not parse: %s", line, buf);
	}
	ck_assert_msg(cmd.kind == kind, "'%s' parsed as %s", line, script_cmd_name(cmd.kind));
}

static void teardown_cmd(void)
{
	script_cmd_free(&cmd);
}

/* ---- running a script ---- */

static struct tcb *run_tcb(struct run *r, unsigned i)
{
	ck_assert_uint_gt(r->res.ntcbs, i);
	return script_tcb_find(r->sc, &r->res.tcbs[i]);
}

/* =================================================================== */
/* Every command parses into the right value.                           */
/* =================================================================== */

START_TEST(test_blank_and_comment_lines_parse_to_nothing)
{
	parse_ok("", SCRIPT_NONE);
	parse_ok("   \t  ", SCRIPT_NONE);
	parse_ok("# a comment", SCRIPT_NONE);
	parse_ok("// a packetdrill comment", SCRIPT_NONE);
	parse_ok("/* inline */ # then a comment", SCRIPT_NONE);
	parse_ok("pause /* inline comment */", SCRIPT_PAUSE);
	parse_ok("pause # trailing comment", SCRIPT_PAUSE);
	parse_ok("pause\r", SCRIPT_PAUSE);
}
END_TEST

START_TEST(test_setup_commands_parse)
{
	parse_ok("seed 42", SCRIPT_SEED);
	ck_assert_uint_eq(cmd.n, 42);
	parse_ok("host A 10.0.0.1", SCRIPT_HOST);
	ck_assert_str_eq(cmd.a.name, "A");
	ck_assert_uint_eq(cmd.addr, 0x0a000001);
	parse_ok("host web 10.0.0.7 mac 02:00:0a:00:00:99", SCRIPT_HOST);
	ck_assert(cmd.has_mac);
	ck_assert_uint_eq(cmd.mac[5], 0x99);
	parse_ok("host B", SCRIPT_HOST);
	ck_assert(!cmd.has_addr);
	parse_ok("wire delay 10ms jitter 2ms", SCRIPT_WIRE);
	ck_assert_uint_eq(cmd.wire.delay, 10000);
	ck_assert_uint_eq(cmd.wire.jitter, 2000);
	parse_ok("wire A -> B loss 5% dup 0.5% reorder 10% wait 20ms", SCRIPT_WIRE);
	ck_assert_str_eq(cmd.wire.from.name, "A");
	ck_assert(!cmd.wire.both);
	ck_assert_uint_eq(cmd.wire.loss, 50000);
	ck_assert_uint_eq(cmd.wire.dup, 5000);
	ck_assert_uint_eq(cmd.wire.reorder, 100000);
	parse_ok("wire A <-> B none delay 1ms", SCRIPT_WIRE);
	ck_assert(cmd.wire.both && cmd.wire.none);
	parse_ok("set A msl 30s rto.min 200ms keepalive on keepalive.count 3 nagle off", SCRIPT_SET);
	ck_assert_uint_eq(cmd.params.n, 5);
	ck_assert_uint_eq(cmd.params.p[0].id, SCRIPT_P_MSL);
	ck_assert_uint_eq(cmd.params.p[0].value, TV_SEC(30));
	ck_assert_uint_eq(cmd.params.p[2].value, 1);
	ck_assert_uint_eq(cmd.params.p[4].value, 0);
	parse_ok("set all window 64k mss 536 wscale off delack off", SCRIPT_SET);
	ck_assert(cmd.all);
	ck_assert_uint_eq(cmd.params.p[0].id, SCRIPT_P_RCVBUF);
	ck_assert_uint_eq(cmd.params.p[0].value, 65536);
}
END_TEST

START_TEST(test_application_commands_parse)
{
	parse_ok("listen B:80 as web backlog 4 accept s with rcvbuf 4k", SCRIPT_LISTEN);
	ck_assert_str_eq(cmd.dest.ref.name, "B");
	ck_assert_uint_eq(cmd.dest.port, 80);
	ck_assert_str_eq(cmd.a.name, "web");
	ck_assert_str_eq(cmd.b.name, "s");
	ck_assert_uint_eq(cmd.n, 4);
	ck_assert_uint_eq(cmd.params.p[0].value, 4096);
	parse_ok("listen B:7 noaccept", SCRIPT_LISTEN);
	ck_assert(cmd.noaccept);
	parse_ok("accept web as s2", SCRIPT_ACCEPT);
	parse_ok("connect A to B:80 as c from 5555 with nagle off mss 500", SCRIPT_CONNECT);
	ck_assert_str_eq(cmd.b.name, "A");
	ck_assert_uint_eq(cmd.port, 5555);
	ck_assert_uint_eq(cmd.params.n, 2);
	parse_ok("connect A 10.0.0.2:7", SCRIPT_CONNECT);
	ck_assert_uint_eq(cmd.dest.addr, 0x0a000002);
	parse_ok("send c \"GET / HTTP/1.0\\r\\n\\r\\n\"", SCRIPT_SEND);
	ck_assert_uint_eq(cmd.text_len, 18);
	ck_assert_mem_eq(cmd.text, "GET / HTTP/1.0\r\n\r\n", 18);
	parse_ok("send c 10k", SCRIPT_SEND);
	ck_assert_uint_eq(cmd.n, 10240);
	ck_assert_uint_eq(cmd.pattern, SCRIPT_PAT_CHARGEN);
	parse_ok("send c 100 bytes of zeros", SCRIPT_SEND);
	ck_assert_uint_eq(cmd.pattern, SCRIPT_PAT_ZEROS);
	parse_ok("send c 1m of \"ab\\x00\"", SCRIPT_SEND);
	ck_assert_uint_eq(cmd.pattern, SCRIPT_PAT_TEXT);
	ck_assert_uint_eq(cmd.text_len, 3);
	parse_ok("recv c", SCRIPT_RECV);
	parse_ok("recv c 100", SCRIPT_RECV);
	ck_assert(cmd.has_n);
	parse_ok("shutdown c", SCRIPT_SHUTDOWN);
	parse_ok("close c", SCRIPT_CLOSE);
	parse_ok("abort c", SCRIPT_ABORT);
	parse_ok("start B echo discard:9999 http", SCRIPT_START);
	ck_assert_uint_eq(cmd.svc_port[1], 9999);
	parse_ok("start B all", SCRIPT_START);
	parse_ok("stop B", SCRIPT_STOP);
}
END_TEST

START_TEST(test_gate_commands_parse)
{
	parse_ok("hold", SCRIPT_HOLD);
	ck_assert(cmd.all);
	parse_ok("hold all", SCRIPT_HOLD);
	parse_ok("hold A in", SCRIPT_HOLD);
	ck_assert(cmd.dir_in && !cmd.dir_out);
	parse_ok("pass B", SCRIPT_PASS);
	ck_assert(cmd.dir_in && cmd.dir_out);
	parse_ok("step", SCRIPT_STEP);
	ck_assert_uint_eq(cmd.n, 1);
	parse_ok("step 3", SCRIPT_STEP);
	ck_assert_uint_eq(cmd.n, 3);
	parse_ok("release 7", SCRIPT_RELEASE);
	parse_ok("release all", SCRIPT_RELEASE);
	parse_ok("drop next", SCRIPT_DROP);
	parse_ok("dup 4", SCRIPT_DUP);
	parse_ok("duplicate next", SCRIPT_DUP);
	parse_ok("delay next 300ms", SCRIPT_DELAY);
	parse_ok("rule drop from A to B flags S next", SCRIPT_RULE);
	ck_assert_uint_eq(cmd.rule.flags_value, TV_TH_SYN);
	ck_assert_uint_eq(cmd.rule.count, GATE_NEXT);
	parse_ok("rule dup on B in tcp flags S./S. every 3rd", SCRIPT_RULE);
	ck_assert_uint_eq(cmd.rule.flags_value, TV_TH_SYN | TV_TH_ACK);
	ck_assert_uint_eq(cmd.rule.flags_mask, TV_TH_SYN | TV_TH_ACK);
	ck_assert_uint_eq(cmd.rule.n, 3);
	parse_ok("rule delay 50ms to B chance 25%", SCRIPT_RULE);
	ck_assert_uint_eq(cmd.rule.ppm, 250000);
	parse_ok("rule drop from A seq 1001..2000 of c", SCRIPT_RULE);
	ck_assert_uint_eq(cmd.rule.seq_lo, 1001);
	ck_assert_uint_eq(cmd.rule.seq_hi, 2000);
	ck_assert_str_eq(cmd.rule.seq_of.name, "c");
	parse_ok("rule hold from A sport 40000 dport 80 arp", SCRIPT_RULE);
	parse_ok("rule clear", SCRIPT_RULE_CLEAR);
	parse_ok("rule clear A", SCRIPT_RULE_CLEAR);
}
END_TEST

START_TEST(test_time_commands_parse)
{
	parse_ok("run 1.5s", SCRIPT_RUN);
	ck_assert_uint_eq(cmd.dur, 1500000);
	parse_ok("run 2h", SCRIPT_RUN);
	ck_assert_uint_eq(cmd.dur, TV_SEC(7200));
	parse_ok("run 10us", SCRIPT_RUN);
	ck_assert_uint_eq(cmd.dur, 10);
	parse_ok("run 2min", SCRIPT_RUN);
	ck_assert_uint_eq(cmd.dur, TV_SEC(120));
	parse_ok("run until c is ESTABLISHED", SCRIPT_RUN_UNTIL);
	ck_assert_uint_eq(cmd.until.kind, SCRIPT_U_STATE);
	ck_assert_int_eq(cmd.until.state, TCB_ESTABLISHED);
	parse_ok("run until c is time_wait within 10s", SCRIPT_RUN_UNTIL);
	ck_assert_int_eq(cmd.until.state, TCB_TIME_WAIT);
	ck_assert(cmd.until.has_limit);
	parse_ok("run until s is SYN-RCVD", SCRIPT_RUN_UNTIL);
	ck_assert_int_eq(cmd.until.state, TCB_SYN_RECEIVED);
	parse_ok("run until 2msl fires on c", SCRIPT_RUN_UNTIL);
	ck_assert_int_eq(cmd.until.timer, TV_TIMER_2MSL);
	ck_assert_str_eq(cmd.until.who.name, "c");
	parse_ok("run until timer fires", SCRIPT_RUN_UNTIL);
	ck_assert_int_eq(cmd.until.timer, -1);
	parse_ok("run until idle", SCRIPT_RUN_UNTIL);
	parse_ok("run until quiet within 1s", SCRIPT_RUN_UNTIL);
	parse_ok("run until s received 10k", SCRIPT_RUN_UNTIL);
	ck_assert_uint_eq(cmd.until.bytes, 10240);
	parse_ok("next timer", SCRIPT_NEXT_TIMER);
}
END_TEST

START_TEST(test_peer_and_packet_lines_parse)
{
	parse_ok("peer P 10.0.0.9 port 40000 to B:80 isn 0 tolerance 4ms strict off", SCRIPT_PEER);
	ck_assert_uint_eq(cmd.port, 40000);
	ck_assert(cmd.peer.has_isn && !cmd.peer.strict);
	parse_ok("peer P", SCRIPT_PEER);
	parse_ok("0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>", SCRIPT_PKT);
	ck_assert(cmd.pkt.inbound);
	ck_assert_uint_eq(cmd.pkt.time_kind, SCRIPT_T_ABS);
	ck_assert_uint_eq(cmd.pkt.flags, TV_TH_SYN);
	ck_assert_uint_eq(cmd.pkt.nopts, 5);
	ck_assert_uint_eq(cmd.pkt.opts[2].a, 100);
	parse_ok("+0.1 > S. 0:0(0) ack 1 <...>", SCRIPT_PKT);
	ck_assert_uint_eq(cmd.pkt.time_kind, SCRIPT_T_REL);
	ck_assert_uint_eq(cmd.pkt.t, 100000);
	ck_assert_uint_eq(cmd.pkt.flags, TV_TH_SYN | TV_TH_ACK);
	ck_assert(cmd.pkt.opts_any);
	parse_ok("+.2 > P. 1:1001(1000) ack 1 win 257", SCRIPT_PKT);
	ck_assert_uint_eq(cmd.pkt.len, 1000);
	parse_ok("* > . 1:1(0) ack 1 <TS val * ecr *>", SCRIPT_PKT);
	ck_assert_uint_eq(cmd.pkt.time_kind, SCRIPT_T_ANY);
	parse_ok("+1~+1.5 > F. 1:1(0) ack 1", SCRIPT_PKT);
	ck_assert(cmd.pkt.range);
	ck_assert_uint_eq(cmd.pkt.t_hi, 1500000);
	parse_ok("+200ms < R 1:1(0) win 0", SCRIPT_PKT);
	ck_assert_uint_eq(cmd.pkt.t, 200000);
	parse_ok("+0 < . 1:1(0) ack 1 win 100 <sack 1:100 200:300,nop,nop>", SCRIPT_PKT);
	ck_assert_uint_eq(cmd.pkt.opts[0].nsack, 2);
	parse_ok("+0 > - 0:0(0)", SCRIPT_PKT);
	ck_assert_uint_eq(cmd.pkt.flags, 0);
	parse_ok("+0 > FSRP.UEW 0:0(0) ack 0", SCRIPT_PKT);
	ck_assert_uint_eq(cmd.pkt.flags, 0xff);
}
END_TEST

START_TEST(test_expect_and_narration_parse)
{
	parse_ok("expect c is ESTABLISHED", SCRIPT_EXPECT);
	ck_assert_uint_eq(cmd.expect.kind, SCRIPT_X_STATE);
	parse_ok("expect c state == CLOSE-WAIT", SCRIPT_EXPECT);
	parse_ok("expect c snd.una == 1", SCRIPT_EXPECT);
	ck_assert_uint_eq(cmd.expect.kind, SCRIPT_X_FIELD);
	ck_assert_uint_eq(cmd.expect.field, SCRIPT_F_SND_UNA);
	parse_ok("expect c cwnd >= 4k", SCRIPT_EXPECT);
	ck_assert_uint_eq(cmd.expect.value, 4096);
	ck_assert_uint_eq(cmd.expect.op, SCRIPT_OP_GE);
	parse_ok("expect c rto < 3s", SCRIPT_EXPECT);
	ck_assert_uint_eq(cmd.expect.value, TV_SEC(3));
	parse_ok("expect c rto.base == 1s", SCRIPT_EXPECT);
	ck_assert_uint_eq(cmd.expect.field, SCRIPT_F_RTO_BASE);
	ck_assert_uint_eq(cmd.expect.value, TV_SEC(1));
	parse_ok("expect c snd.nxt == rcv.nxt", SCRIPT_EXPECT);
	ck_assert(cmd.expect.rhs_field);
	parse_ok("expect c snd.nxt != s rcv.nxt", SCRIPT_EXPECT);
	ck_assert_str_eq(cmd.expect.rhs_who.name, "s");
	parse_ok("expect c timer rexmit running", SCRIPT_EXPECT);
	parse_ok("expect c timer 2msl stopped", SCRIPT_EXPECT);
	parse_ok("expect c timer keepalive <= 75s", SCRIPT_EXPECT);
	ck_assert_uint_eq(cmd.expect.timer_test, SCRIPT_TIMER_REMAINING);
	parse_ok("expect B counter tcp.rst_sent == 1", SCRIPT_EXPECT);
	ck_assert_uint_eq(cmd.expect.kind, SCRIPT_X_COUNTER);
	parse_ok("expect B tcp.retransmit > 0", SCRIPT_EXPECT);
	ck_assert_uint_eq(cmd.expect.kind, SCRIPT_X_COUNTER);
	parse_ok("expect s received \"hello\"", SCRIPT_EXPECT);
	parse_ok("expect s received 5 bytes", SCRIPT_EXPECT);
	ck_assert_uint_eq(cmd.expect.op, SCRIPT_OP_EQ);
	parse_ok("expect s received >= 1m", SCRIPT_EXPECT);
	parse_ok("expect c error refused", SCRIPT_EXPECT);
	ck_assert_int_eq(cmd.expect.err, TV_EREFUSED);
	parse_ok("expect c error none", SCRIPT_EXPECT);
	parse_ok("expect s eof", SCRIPT_EXPECT);
	parse_ok("expect B conns CLOSE-WAIT == 3", SCRIPT_EXPECT);
	parse_ok("expect B conns < 10", SCRIPT_EXPECT);
	parse_ok("expect held == 2", SCRIPT_EXPECT);
	parse_ok("expect A held == 0", SCRIPT_EXPECT);
	parse_ok("say \"A sends its SYN: \\\"hello\\\"\\tbye\"", SCRIPT_SAY);
	ck_assert_str_eq(cmd.text, "A sends its SYN: \"hello\"\tbye");
	parse_ok("say \"三次握手\"", SCRIPT_SAY);
	parse_ok("pause", SCRIPT_PAUSE);
}
END_TEST

START_TEST(test_keywords_are_case_insensitive)
{
	parse_ok("CONNECT A TO B:80 AS c", SCRIPT_CONNECT);
	parse_ok("Expect c Is established", SCRIPT_EXPECT);
	ck_assert_int_eq(cmd.expect.state, TCB_ESTABLISHED);
}
END_TEST

/* =================================================================== */
/* Every parse error, exactly.                                          */
/* =================================================================== */

struct perr_case {
	const char *line;
	const char *msg;
};

static const struct perr_case perr_cases[] = {
	/* the lexer */
	{"say \"a\0b\"", "t.tvs:1:7: NUL byte in a string (write \\x00)"},
	{"say \"\\x4\"", "t.tvs:1:6: '\\x' needs two hex digits"},
	{"say \"\\q\"", "t.tvs:1:6: unknown escape in a string (use \\n \\t \\r \\\" \\\\ or \\xHH)"},
	{"say \"hello", "t.tvs:1:5: unterminated string"},
	{"host A $", "t.tvs:1:8: unexpected character '$'"},
	{"host A \x01", "t.tvs:1:8: unexpected character '\\x01'"},
	{"host \xe4\xb8\xad", "t.tvs:1:6: unexpected character '\xe4\xb8\xad'"},
	{"say \"\xe4\xb8\xad\" \xff", "t.tvs:1:9: unexpected character '\\xFF'"},
	{"pause /* no end", "t.tvs:1:7: unterminated comment"},
	/* structure */
	{"host", "t.tvs:1:5: expected a host name at the end of the line"},
	{"host 5", "t.tvs:1:6: expected a host name, got '5'"},
	{"pause now", "t.tvs:1:7: unexpected 'now' at the end of the command"},
	{"host all", "t.tvs:1:6: 'all' is a reserved word and cannot be a name"},
	{"connect A to B:80 as abcdefghijklmnopqrstuvwxyz0123456789",
	 "t.tvs:1:22: name 'abcdefghijklmnopqrst...' is too long (31 characters at most)"},
	{"host abcdefghijklmnop", "t.tvs:1:6: host name 'abcdefghijklmnop' is too long (15 characters at most)"},
	{"\"quoted\"", "t.tvs:1:1: expected a command, got '\"quoted\"'"},
	{"conect A to B:80", "t.tvs:1:1: unknown command 'conect'; did you mean 'connect'?"},
	{"sned c \"x\"", "t.tvs:1:1: unknown command 'sned'; did you mean 'send'?"},
	{"frobnicate", "t.tvs:1:1: unknown command 'frobnicate'"},
	/* values */
	{"seed 1.5", "t.tvs:1:6: '1.5' is not a whole number"},
	{"seed 0x", "t.tvs:1:6: '0x' is not a number"},
	{"seed 99999999999999999999", "t.tvs:1:6: '99999999999999999999' is out of range"},
	{"listen B:70000", "t.tvs:1:10: '70000' is out of range"},
	{"listen B:0", "t.tvs:1:10: port 0 is not a port"},
	{"listen B", "t.tvs:1:9: expected ':PORT' after the host at the end of the line"},
	{"listen 10.0.0.2:80", "t.tvs:1:8: listen on a host by name (like B:80), not an address"},
	{"run 5", "t.tvs:1:5: '5' needs a unit: us, ms, s, min or h"},
	{"run 1m", "t.tvs:1:5: '1m' is ambiguous: write min for minutes or ms for milliseconds"},
	{"run 1.5us", "t.tvs:1:5: '1.5us' is finer than a microsecond"},
	{"run 5x", "t.tvs:1:5: '5x' has an unknown unit (use us, ms, s, min or h)"},
	{"run 99999999999999h", "t.tvs:1:5: '99999999999999h' is out of range"},
	{"run soon", "t.tvs:1:5: expected a duration or 'until', got 'soon'"},
	{"send c 5q", "t.tvs:1:8: '5q' has an unknown unit (use k, m or g, or none for bytes)"},
	{"send c 1.5", "t.tvs:1:8: '1.5' is not a whole number of bytes"},
	{"send c 1025g", "t.tvs:1:8: '1025g' is out of range"},
	{"send c", "t.tvs:1:7: expected a string or a size (like \"hello\" or 10k) at the end of the line"},
	{"send c 10 of \"\"", "t.tvs:1:14: the pattern is empty"},
	{"send c 10 of ones", "t.tvs:1:14: expected a string, 'zeros' or 'chargen', got 'ones'"},
	{"wire loss 5", "t.tvs:1:11: '5' is not a percentage (like 5% or 0.5%)"},
	{"wire loss 0.00001%", "t.tvs:1:11: '0.00001%' is finer than 0.0001%"},
	{"wire loss 101%", "t.tvs:1:11: '101%' is more than 100%"},
	{"wire dealy 5ms", "t.tvs:1:6: unknown impairment 'dealy'; did you mean 'delay'?"},
	{"wire", "t.tvs:1:5: expected an impairment (delay, jitter, loss, dup, reorder or none) at the end of the line"},
	{"host A mac 01:00:00:00:00:01", "t.tvs:1:12: '01:00:00:00:00:01' is a multicast MAC address"},
	{"host A mac 02:00", "t.tvs:1:12: expected a MAC address (like 02:00:0a:00:00:01), got '02'"},
	{"host A 10.0.0.1 port 5", "t.tvs:1:17: expected an address or 'mac', got 'port'"},
	{"set A mls 1s", "t.tvs:1:7: unknown parameter 'mls'; did you mean 'msl'?"},
	{"set A zzzzzz 1s", "t.tvs:1:7: unknown parameter 'zzzzzz'"},
	{"set A nagle maybe", "t.tvs:1:13: expected 'on' or 'off', got 'maybe'"},
	{"set A keepalive.count 300", "t.tvs:1:23: '300' is out of range"},
	{"set A msl 1s msl 1s msl 1s msl 1s msl 1s msl 1s msl 1s msl 1s msl 1s msl 1s msl 1s "
	 "msl 1s msl 1s msl 1s msl 1s msl 1s msl 1s",
	 "t.tvs:1:119: too many parameters (16 at most)"},
	{"listen B:80 as s frob", "t.tvs:1:18: expected 'as', 'backlog', 'accept', 'noaccept' or 'with', got 'frob'"},
	{"connect A to B:80 sideways", "t.tvs:1:19: expected 'as', 'from' or 'with', got 'sideways'"},
	{"start B ecko", "t.tvs:1:9: unknown service 'ecko'; did you mean 'echo'?"},
	{"start B", "t.tvs:1:8: expected a service (echo, discard, daytime, chargen, http or all) at the end of the line"},
	{"step 0", "t.tvs:1:6: step 0 does nothing; give at least 1"},
	{"drop", "t.tvs:1:5: expected a frame id or 'next' at the end of the line"},
	{"release some", "t.tvs:1:9: expected a frame id, 'next' or 'all', got 'some'"},
	{"delay next", "t.tvs:1:11: expected a duration (like 200ms or 1.5s) at the end of the line"},
	{"rule drop from A flags SX", "t.tvs:1:24: unknown TCP flag 'X' (use F S R P . U E W)"},
	{"rule drop from A flags 5", "t.tvs:1:24: expected TCP flags (like S, S. or F.), got '5'"},
	{"rule drop from A every 0", "t.tvs:1:24: 'every 0' matches nothing; give 1 or more"},
	{"rule drop dup from A", "t.tvs:1:11: a rule has one action; 'dup' is a second one"},
	{"rule drop form A", "t.tvs:1:11: unknown rule word 'form'; did you mean 'from'?"},
	{"rule from A", "t.tvs:1:12: expected an action (drop, dup, delay, hold or pass) at the end of the line"},
	{"rule drop next", "t.tvs:1:6: a rule needs 'from HOST', 'to HOST' or 'on HOST'"},
	{"rule drop from A seq 1..x", "t.tvs:1:25: expected a sequence number, got 'x'"},
	{"run until c is", "t.tvs:1:15: expected a TCP state (like ESTABLISHED) at the end of the line"},
	{"run until c is ESTABLISH", "t.tvs:1:16: unknown TCP state 'ESTABLISH'; did you mean 'ESTABLISHED'?"},
	{"run until c is FOO", "t.tvs:1:16: unknown TCP state 'FOO'"},
	{"run until rexmt fires", "t.tvs:1:11: unknown timer 'rexmt'; did you mean 'rexmit'?"},
	{"run until sunrise", "t.tvs:1:11: expected a condition (idle, quiet, NAME is STATE, TIMER fires, NAME received SIZE), got 'sunrise'"},
	{"next tick", "t.tvs:1:6: expected 'timer', got 'tick'"},
	{"peer P 10.0.0.9 to 10.0.0.2:80", "t.tvs:1:20: name the host under test (like B:80)"},
	{"peer P 10.0.0.9 color red", "t.tvs:1:17: expected 'mac', 'port', 'isn', 'to', 'tolerance' or 'strict', got 'color'"},
	{"expect c rto == cwnd", "t.tvs:1:17: 'cwnd' is a time and cannot be compared with a count"},
	{"expect c snd.una == ?", "t.tvs:1:21: unexpected character '?'"},
	{"expect c snd.una == \"x\"", "t.tvs:1:21: expected a value or a field, got '\"x\"'"},
	{"expect c snd.una == s", "t.tvs:1:22: expected a field (like snd.nxt) at the end of the line"},
	{"expect c snd.una 1", "t.tvs:1:18: expected a comparison (== != < <= > >=), got '1'"},
	{"expect B counter tcp.rst_snt == 1", "t.tvs:1:18: unknown counter 'tcp.rst_snt'; did you mean 'tcp.rst_sent'?"},
	{"expect c snd.unaa == 1", "t.tvs:1:10: unknown field or check 'snd.unaa'; did you mean 'snd.una'?"},
	{"expect c timer rexmit", "t.tvs:1:22: expected 'running', 'stopped' or a comparison at the end of the line"},
	{"expect c timer sandglass running", "t.tvs:1:16: unknown timer 'sandglass'"},
	{"expect c error catastrophic", "t.tvs:1:16: expected an error (refused, reset, timeout, aborted, unreachable or none), got 'catastrophic'"},
	{"expect", "t.tvs:1:7: expected a connection or host name at the end of the line"},
	{"expect c 5", "t.tvs:1:10: expected what to check (is, a field, timer, received, a counter...), got '5'"},
	{"say hello", "t.tvs:1:5: expected a string in double quotes, got 'hello'"},
	{"say \"\\x00\"", "t.tvs:1:5: narration cannot contain a NUL byte"},
	/* packet lines */
	{"+0~1 > S 0:0(0)", "t.tvs:1:4: both ends of a time range must be relative (+A~+B)"},
	{"0~+1 > S 0:0(0)", "t.tvs:1:3: both ends of a time range must be absolute (A~B)"},
	{"+2~+1 > S 0:0(0)", "t.tvs:1:4: a time range must not end before it starts"},
	{"+0 S 0:0(0)", "t.tvs:1:4: expected '<' (the peer sends) or '>' (the host sends), got 'S'"},
	{"+x < S 0:0(0)", "t.tvs:1:2: expected a time in seconds (like 0.1), got 'x'"},
	{"+0 < S 0:5(4) win 1", "t.tvs:1:8: 0:5(4): the range and the length disagree"},
	{"+0 < S 0:0 win 1", "t.tvs:1:12: expected '(', got 'win'"},
	{"+0 < S win 1", "t.tvs:1:8: expected a sequence range START:END(LENGTH), got 'win'"},
	{"+0 < . 1:9001(9000) ack 1 win 1", "t.tvs:1:8: 9000 bytes do not fit in one segment"},
	{"+0 < . 1:1(0) ack 1 win 1 <sack 1:2 3:4 5:6 7:8 9:10>",
	 "t.tvs:1:49: at most 4 SACK blocks fit in a segment"},
	{"+0 < . 1:1(0) ack 1 win 1 <mss 1,mss 2,mss 3,mss 4,mss 5,mss 6,mss 7,mss 8,mss 9,mss 10,mss 11>",
	 "t.tvs:1:27: the options take 44 bytes; at most 40 fit"},
	{"+0 < . 1:1(0) ack 1 win 1 <nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,"
	 "nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,"
	 "nop,nop,nop,nop,nop>",
	 "t.tvs:1:188: too many TCP options"},
	{"+0 < S 0:0(0) win 1 <mss>", "t.tvs:1:25: expected an MSS value, got '>'"},
	{"+0 < S 0:0(0) win 1 <TS 5>", "t.tvs:1:25: expected 'val', got '5'"},
	{"+0 < S 0:0(0) win 1 <TS val 5 5>", "t.tvs:1:31: expected 'ecr', got '5'"},
	{"+0 < S 0:0(0) win 1 <cookie>", "t.tvs:1:22: expected a TCP option (nop, eol, mss, wscale, sackOK, sack, TS), got 'cookie'"},
	{"+0 < S 0:0(0) win 1 <mss 1 mss 2>", "t.tvs:1:28: expected '>', got 'mss'"},
	{"+0 < S 0:0(0) win 70000", "t.tvs:1:19: '70000' is out of range"},
	{"* < S 0:0(0) win 1", "t.tvs:1:1: '*' (any time) only fits a segment the host sends (>)"},
	{"+0 < S 0:0(0)", "t.tvs:1:4: a segment the peer sends needs 'win N'"},
	{"+0 < S 0:0(0) win 1 <...>", "t.tvs:1:4: '<...>' only fits a segment the host sends (>)"},
	{"+0 < . 1:1(0) win 1", "t.tvs:1:4: a segment with the ACK flag '.' needs 'ack N'"},
	{"+0 > S 0:0(0) ack 1", "t.tvs:1:4: 'ack N' without the ACK flag '.'"},
	{"+0 > . 1:1(0) ack 1 <sack 1:2>", "t.tvs:1:4: SACK blocks can be sent but not expected"},
	{"+0 < . 1:1(0) ack 1 win 1 <TS val * ecr 0>", "t.tvs:1:4: '*' only fits a segment the host sends (>)"},
	{"+0 > Z 0:0(0)", "t.tvs:1:6: unknown TCP flag 'Z' (use F S R P . U E W)"},
};

START_TEST(test_every_parse_error_is_reported_exactly)
{
	const struct perr_case *c = &perr_cases[_i];
	size_t len = strlen(c->line);

	/* One case embeds a NUL: its length is up to the closing quote. */
	if (strncmp(c->line, "say \"a", 6) == 0 && c->line[6] == '\0')
		len = 10;
	script_cmd_free(&cmd);
	int r = script_parse_line("t.tvs", 1, c->line, len, &cmd, &perr);
	char buf[1024] = "(parsed)";
	if (r != 0)
		script_error_format(&perr, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, c->msg) == 0, "line '%s':\n  got      %s\n  expected %s", c->line,
		      buf, c->msg);
}
END_TEST

START_TEST(test_errors_carry_file_and_line)
{
	struct script_error e;
	char buf[512];

	ck_assert_int_ne(script_parse_line("lessons/x.tvs", 42, "  lisen B:80", 12, &cmd, &e), 0);
	script_error_format(&e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "lessons/x.tvs:42:3: unknown command 'lisen'; did you mean 'listen'?");
}
END_TEST

START_TEST(test_columns_count_characters_not_bytes)
{
	/* "三次" is 6 bytes but 2 characters: the bad token is at column 10
	 * (it starts at byte 14). */
	ck_assert_str_eq(parse_error("say \"三次\" x"), "t.tvs:1:10: unexpected 'x' at the end of the command");
}
END_TEST

START_TEST(test_line_longer_than_the_limit_is_refused)
{
	size_t n = SCRIPT_LINE_MAX + 10;
	char *line = malloc(n + 1);

	ck_assert_ptr_nonnull(line);
	memset(line, 'a', n);
	line[n] = '\0';
	ck_assert_int_ne(script_parse_line("t.tvs", 1, line, n, &cmd, &perr), 0);
	ck_assert_str_eq(perr.msg, "line too long (more than 65536 bytes)");
	free(line);
}
END_TEST

START_TEST(test_long_tokens_are_quoted_short)
{
	char line[200];

	snprintf(line, sizeof(line), "host A %s", "\"0123456789012345678901234567890123456789012345678\"");
	ck_assert_str_eq(parse_error(line),
			 "t.tvs:1:8: expected an address or 'mac', got '\"012345678901234567890123456789012345678...'");
}
END_TEST

START_TEST(test_narration_longer_than_a_note_is_refused)
{
	char line[300] = "say \"";

	memset(line + 5, 'x', 200);
	strcpy(line + 205, "\"");
	ck_assert_str_eq(parse_error(line), "t.tvs:1:5: narration too long (200 bytes; 199 at most)");
}
END_TEST

/* Conversions the lexer never hands over malformed, checked directly. */
START_TEST(test_value_conversions_refuse_what_the_lexer_never_makes)
{
	tv_time d;
	uint64_t v;
	uint32_t ppm;

	ck_assert_str_eq(val_duration("s", 1, &d), "'%s' is not a duration (like 200ms, 1.5s, 2min or 2h)");
	ck_assert_str_eq(val_size("k", 1, 10, &v), "'%s' is not a size (like 1000, 64k or 1m)");
	ck_assert_str_eq(val_percent("%", 1, &ppm), "'%s' is not a percentage (like 5%% or 0.5%%)");
	ck_assert_ptr_null(val_duration("1.000001s", 9, &d));
	ck_assert_uint_eq(d, 1000001);
	ck_assert_ptr_null(val_size("1.5k", 4, 10000, &v));
	ck_assert_uint_eq(v, 1536);
	ck_assert_ptr_null(val_uint("0x1F", 4, 100, &v));
	ck_assert_uint_eq(v, 31);
}
END_TEST

START_TEST(test_durations_print_in_their_shortest_exact_form)
{
	char b[32];

	ck_assert_str_eq(val_fmt_duration(0, b, sizeof(b)), "0s");
	ck_assert_str_eq(val_fmt_duration(1500000, b, sizeof(b)), "1.5s");
	ck_assert_str_eq(val_fmt_duration(200000, b, sizeof(b)), "200ms");
	ck_assert_str_eq(val_fmt_duration(TV_SEC(7200), b, sizeof(b)), "2h");
	ck_assert_str_eq(val_fmt_duration(TV_SEC(120), b, sizeof(b)), "2min");
	ck_assert_str_eq(val_fmt_duration(1250, b, sizeof(b)), "1.25ms");
	ck_assert_str_eq(val_fmt_duration(7, b, sizeof(b)), "7us");
}
END_TEST

START_TEST(test_suggestion_is_the_nearest_word_within_reach)
{
	static const char *const words[] = {"listen", "connect", "close", "send"};

	ck_assert_str_eq(suggest("lsiten", 6, words, 4), "listen");   /* transposition */
	ck_assert_str_eq(suggest("conect", 6, words, 4), "connect");  /* deletion */
	ck_assert_str_eq(suggest("CLOSE", 5, words, 4), "close");     /* case */
	ck_assert_ptr_null(suggest("xyz", 3, words, 4));
	ck_assert_ptr_null(suggest("banana", 6, words, 4));
}
END_TEST

/* =================================================================== */
/* Whole files.                                                         */
/* =================================================================== */

START_TEST(test_file_parse_collects_every_error)
{
	static const char text[] = "# lesson: three mistakes\nhost A\nconect A\nrun 5\nhost B\n"
				   "say \"oops\nseed 7\n";
	struct script_prog prog;
	char buf[512];

	ck_assert_int_eq(script_prog_parse("f.tvs", text, sizeof(text) - 1, &prog), 0);
	ck_assert_uint_eq(prog.nerrs, 3);
	script_error_format(&prog.errs[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "f.tvs:3:1: unknown command 'conect'; did you mean 'connect'?");
	script_error_format(&prog.errs[1], buf, sizeof(buf));
	ck_assert_str_eq(buf, "f.tvs:4:5: '5' needs a unit: us, ms, s, min or h");
	script_error_format(&prog.errs[2], buf, sizeof(buf));
	ck_assert_str_eq(buf, "f.tvs:6:5: unterminated string");
	ck_assert_uint_eq(prog.n, 3);
	ck_assert_uint_eq(prog.cmds[1].line, 5);
	ck_assert(prog.has_seed);
	ck_assert_uint_eq(prog.seed, 7);
	ck_assert_str_eq(prog.summary, "three mistakes");
	script_prog_free(&prog);
}
END_TEST

START_TEST(test_lesson_summary_is_the_first_lesson_comment)
{
	char buf[64];
	static const char a[] = "#!/usr/bin/env tcpviz\n  #  lesson:   SYN lost: RTO backoff  \r\nhost A\n";
	static const char b[] = "host A\n# not a lesson\n";

	ck_assert(script_lesson_summary(a, sizeof(a) - 1, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "SYN lost: RTO backoff");
	ck_assert(!script_lesson_summary(b, sizeof(b) - 1, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "");
}
END_TEST

/* =================================================================== */
/* Executing: every command against a sim.                              */
/* =================================================================== */

struct tally {
	unsigned notes, seg_out, states;
	char last_note[200];
	uint64_t hash;
};

static void tally_sink(void *ctx, const struct tv_event *ev)
{
	struct tally *t = ctx;
	const uint8_t *p = (const uint8_t *)ev;

	if (ev->type == TV_EV_NOTE) {
		t->notes++;
		snprintf(t->last_note, sizeof(t->last_note), "%s", ev->u.note.text);
	}
	t->seg_out += ev->type == TV_EV_SEG_OUT;
	t->states += ev->type == TV_EV_STATE;
	/* FNV-1a over the fields that do not depend on padding */
	uint64_t h = t->hash ? t->hash : 1469598103934665603ull;
	uint64_t f[] = {ev->type, ev->time, ev->host, ev->conn, ev->rule};
	for (size_t i = 0; i < sizeof(f); i++)
		h = (h ^ ((const uint8_t *)f)[i]) * 1099511628211ull;
	(void)p;
	t->hash = h;
}

START_TEST(test_handshake_names_the_accepted_connection)
{
	struct run r;

	run_ok(&r, "host A 10.0.0.1\nhost B 10.0.0.2\nwire delay 100us\n"
		   "listen B:80 as srv accept s\nconnect A to B:80 as c\n"
		   "run until c is ESTABLISHED\n"
		   "run until s is ESTABLISHED\n"
		   "expect c is ESTABLISHED\nexpect srv is LISTEN\n"
		   "expect c snd.una == 1\nexpect c snd.nxt == s rcv.nxt\n"
		   "expect s snd.nxt == c rcv.nxt\nexpect c iss == s irs\n"
		   "expect c mss == 1460\nexpect B conns ESTABLISHED == 1\n"
		   "expect A conns == 1\n");
	run_free(&r);
}
END_TEST

START_TEST(test_listener_names_children_in_turn)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nlisten B:80 as web\n"
		   "connect A to B:80 as c1\nconnect A to B:80 as c2\nconnect A to B:80 as c3\n"
		   "run until quiet\n"
		   "expect web.1 is ESTABLISHED\nexpect web.2 is ESTABLISHED\n"
		   "expect web.3 is ESTABLISHED\n"
		   "listen B:81 accept srv\nconnect A to B:81\nconnect A to B:81\nrun until quiet\n"
		   "expect srv is ESTABLISHED\nexpect srv.2 is ESTABLISHED\nexpect c1 is ESTABLISHED\n");
	ck_assert_uint_eq(r.prog.n, 17);
	run_free(&r);
}
END_TEST

START_TEST(test_child_named_at_its_syn_gives_its_name_on_when_reset)
{
	struct run r;

	/* An old duplicate SYN (RFC 9293 figure 8): B's half-open child is
	 * named s, A resets it, and the name goes to the real connection. */
	run_ok(&r, "host A\nhost B\nlisten B:80 as srv accept s\n"
		   "rule hold from A flags S\nconnect A to B:80 from 7000 as old\nrun 100ms\n"
		   "abort old\nconnect A to B:80 from 7000 as c\nrun 100ms\nexpect held == 2\n"
		   "release next\nrun until quiet\nexpect s is CLOSED\nexpect srv is LISTEN\n"
		   "release next\nrun until s is ESTABLISHED\nexpect s irs == c iss\n"
		   "expect B conns == 1\n");
	run_free(&r);
}
END_TEST

START_TEST(test_half_open_child_can_be_watched_before_accept)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nlisten B:80 as srv\nrule drop from A flags . next\n"
		   "connect A to B:80 as c\nrun until quiet\nexpect srv.1 is SYN-RECEIVED\n"
		   "expect srv.1 timer rexmit running\nrun until rexmit fires on srv.1\n"
		   "run until srv.1 is ESTABLISHED\n");
	run_free(&r);
}
END_TEST

START_TEST(test_noaccept_leaves_connections_queued_until_accept)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nlisten B:80 as l noaccept backlog 2\n"
		   "connect A to B:80 as c\nrun until quiet\nexpect c is ESTABLISHED\n"
		   "expect B conns ESTABLISHED == 1\n"
		   "accept l as s\nexpect s is ESTABLISHED\n");
	run_free(&r);
}
END_TEST

START_TEST(test_data_flows_and_close_reaches_time_wait)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nwire delay 1ms\nlisten B:7 as srv accept s\n"
		   "connect A to B:7 as c with nagle off\n"
		   "send c \"hello\"\nsend c 3 of \"xy\"\nrun until s received 8\n"
		   "expect s received \"helloxyx\"\nexpect s received == 8 bytes\n"
		   "send s 100k\nrun until c received 100k\nexpect c received >= 100k\n"
		   "shutdown c\nrun until s is CLOSE-WAIT\nexpect s eof\n"
		   "send s \"late\"\nrun until c received 102404\n"
		   "close s\nrun until c is TIME-WAIT\n"
		   "expect c timer 2msl running\nexpect c timer 2msl <= 240s\n"
		   "expect c timer 2msl > 239s\n"
		   "run until 2msl fires on c\nexpect c is CLOSED\nexpect c error none\n");
	run_free(&r);
}
END_TEST

START_TEST(test_autoread_off_lets_the_window_fill)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nlisten B:80 as srv accept s with autoread off rcvbuf 4k\n"
		   "connect A to B:80 as c\nrun until s is ESTABLISHED\n"
		   "send c 10k\nrun 2s\n"
		   "expect s rcv.wnd == 0\nexpect c snd.wnd == 0\nexpect c timer persist running\n"
		   "expect s received == 0\n"
		   "recv s 1000\nexpect s received 1000\nrecv s\nrun until s received 4096\n"
		   "set s autoread on\nrecv s\nrun until s received 10k\n");
	run_free(&r);
}
END_TEST

START_TEST(test_abort_sends_rst_and_peer_sees_reset)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nlisten B:80 as srv accept s\nconnect A to B:80 as c\n"
		   "run until s is ESTABLISHED\nabort c\nrun until quiet\n"
		   "expect c is CLOSED\nexpect s is CLOSED\nexpect s error reset\n"
		   "expect A tcp.rst_sent == 1\nexpect B counter tcp.rst_rx == 1\n");
	run_free(&r);
}
END_TEST

START_TEST(test_connect_to_a_closed_port_is_refused)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nconnect A to B:9 as c\nrun until quiet\n"
		   "expect c is CLOSED\nexpect c error refused\nexpect B tcp.no_socket == 1\n");
	run_free(&r);
}
END_TEST

START_TEST(test_services_answer_and_stop)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nstart B echo daytime:1313\n"
		   "connect A to B:7 as e\nsend e \"ping\"\nrun until e received 4\n"
		   "expect e received \"ping\"\n"
		   "connect A to B:1313 as d\nrun until d is CLOSE-WAIT\nexpect d eof\n"
		   "expect d received >= 10\nstop B\nconnect A to B:7 as e2\nrun until quiet\n"
		   "expect e2 error refused\n");
	run_free(&r);
}
END_TEST

START_TEST(test_set_applies_host_and_connection_parameters)
{
	struct run r;

	run_ok(&r, "set all msl 1s\nhost A\nhost B\nset A rto.min 200ms rto.initial 300ms "
		   "syn.retries 2\nlisten B:80 as srv accept s\n"
		   "rule drop from A flags S next\n"
		   "connect A to B:80 as c with mss 500 keepalive on keepalive.idle 10s "
		   "keepalive.intvl 1s keepalive.count 2 wscale off delack off\n"
		   "run until quiet\n"
		   "expect c timer rexmit == 300ms\n"
		   "run until c is ESTABLISHED\nrun until s is ESTABLISHED\n"
		   /* our MSS option bounds what the other side sends */
		   "expect c mss == 1460\nexpect s mss == 500\nexpect c snd.wscale == 0\n"
		   "expect c timer keepalive <= 10s\n"
		   "set c keepalive off\nexpect c timer keepalive stopped\n"
		   "close c\nrun until s is CLOSE-WAIT\nclose s\n"
		   "run until c is TIME-WAIT\nexpect c timer 2msl == 2s\n");
	run_free(&r);
}
END_TEST

START_TEST(test_wire_loss_is_repaired_by_retransmission)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nwire A -> B loss 30%\nwire B -> A delay 5ms jitter 1ms\n"
		   "listen B:80 as srv accept s\nconnect A to B:80 as c\n"
		   "run until c is ESTABLISHED\nsend c 64k\nrun until s received 64k\n"
		   "expect s received == 64k\nwire A <-> B none\n");
	run_free(&r);
}
END_TEST

START_TEST(test_hold_and_step_move_one_segment_at_a_time)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nlisten B:80 as srv accept s\nhold all\n"
		   "connect A to B:80 as c\n"
		   "step\nexpect held == 1\nexpect B held == 1\nexpect c is SYN-SENT\n"
		   "step\nexpect c is ESTABLISHED\nexpect held == 1\n"
		   "step\nexpect s is ESTABLISHED\nexpect held == 0\n"
		   "send c \"x\"\nrun until quiet\nexpect A held == 1\n"
		   "drop next\nexpect held == 0\nrun until rexmit fires on c\n"
		   "next timer\n");
	run_free(&r);
}
END_TEST

START_TEST(test_held_frames_can_be_duplicated_delayed_and_released)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nlisten B:80 as srv accept s\nconnect A to B:80 as c\n"
		   "run until s is ESTABLISHED\nhold A out\nsend c \"abc\"\nrun until quiet\n"
		   "expect A held == 1\ndup next\nexpect A held == 2\n"
		   "delay next 1s\nexpect A held == 1\nrun 500ms\nexpect s received == 0\n"
		   "run 600ms\nexpect s received \"abc\"\n"
		   /* the copy, and the retransmission held meanwhile: 3 + 3 */
		   "release all\nrun until quiet\nexpect B tcp.dup_data == 6\n"
		   "send c \"d\"\nrun until quiet\nexpect A held == 1\npass A\n"
		   "expect A held == 0\nrun until s received 4\n");
	run_free(&r);
}
END_TEST

START_TEST(test_rules_drop_the_next_and_every_nth)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nlisten B:80 as srv accept s\n"
		   "rule drop from A to B flags S next\nconnect A to B:80 as c with nagle off\n"
		   "run 500ms\nexpect c is SYN-SENT\nrun until c is ESTABLISHED within 2s\n"
		   "expect A tcp.retransmit == 1\n"
		   "rule drop from A flags P./P. every 2nd\n"
		   "send c 1000\nrun until quiet\nsend c 1000\nrun until s received 2000\n"
		   "rule clear A\nrun 1s\n"
		   "rule delay 100ms on B in tcp\nsend c \"z\"\nrun 50ms\nexpect s received 2000\n"
		   "run 100ms\nexpect s received 2001\n"
		   "rule clear\nrule drop to B chance 100%\nsend c \"y\"\nrun 10ms\n"
		   "expect s received 2001\n");
	run_free(&r);
}
END_TEST

START_TEST(test_rule_seq_range_is_relative_to_the_connection)
{
	struct run r;

	run_ok(&r, "host A\nhost B\nlisten B:80 as srv accept s\nconnect A to B:80 as c with nagle off\n"
		   "run until s is ESTABLISHED\n"
		   "rule drop from A seq 1..1 of c next\n"
		   "send c \"a\"\nrun 10ms\nexpect s received 0\nexpect c rexmits == 0\n"
		   "run until s received 1\nexpect A tcp.retransmit == 1\n");
	run_free(&r);
}
END_TEST

START_TEST(test_say_emits_a_note_and_pause_asks_to_stop)
{
	struct run r;
	struct tally t = {0};
	struct script_result res;

	run_ok(&r, "host A\n");
	tv_bus_add(sim_bus(r.sim), tally_sink, &t);
	ck_assert_int_eq(parse("say \"SYN, then SYN-ACK\""), 0);
	ck_assert_int_eq(script_exec(r.sc, &cmd, &res), SCRIPT_OK);
	ck_assert_uint_eq(t.notes, 1);
	ck_assert_str_eq(t.last_note, "SYN, then SYN-ACK");
	ck_assert(!res.pause);
	ck_assert_int_eq(parse("pause"), 0);
	ck_assert_int_eq(script_exec(r.sc, &cmd, &res), SCRIPT_OK);
	ck_assert(res.pause);
	tv_bus_remove(sim_bus(r.sim), tally_sink, &t);
	run_free(&r);
}
END_TEST

static uint64_t run_hash(const char *text, uint64_t seed)
{
	struct script_config cfg = {.seed = seed};
	struct script_prog prog;
	struct script_result res;
	struct tally t = {0};
	struct sim *sim = sim_new(seed);
	struct script *sc = script_new(sim, &cfg);

	tv_bus_add(sim_bus(sim), tally_sink, &t);
	ck_assert_int_eq(script_prog_parse("t.tvs", text, strlen(text), &prog), 0);
	for (size_t i = 0; i < prog.n; i++)
		ck_assert_int_eq(script_exec(sc, &prog.cmds[i], &res), SCRIPT_OK);
	tv_bus_remove(sim_bus(sim), tally_sink, &t);
	script_free(sc);
	sim_free(sim);
	script_prog_free(&prog);
	return t.hash;
}

START_TEST(test_same_script_and_seed_give_the_same_events)
{
	static const char text[] = "host A\nhost B\nwire A <-> B loss 10% delay 1ms jitter 1ms\n"
				   "listen B:80 as srv accept s\nconnect A to B:80 as c\n"
				   "send c 20k\nrun until s received 20k within 1h\n";

	ck_assert_uint_eq(run_hash(text, 7), run_hash(text, 7));
	ck_assert_uint_ne(run_hash(text, 7), run_hash(text, 8));
}
END_TEST

START_TEST(test_seed_line_must_match_the_sims_seed)
{
	struct run r;

	run_ok(&r, "seed 1\nhost A\n");
	run_free(&r);
	ck_assert_int_eq(run_text(&r, "host A\nseed 2\n"), SCRIPT_ERROR);
	ck_assert_str_eq(r.msg, "t.tvs:2:1: the seed must be chosen before the run starts; this wire was seeded with 1 (put one 'seed' line first, or use --seed)");
	run_free(&r);
}
END_TEST

/* chargen on a wire with no delay: `run` and `run until` end with a
 * failure that says why and what to do, instead of spinning for ever. */
START_TEST(test_run_with_time_standing_still_fails_clearly)
{
	static const char setup[] = "host A\nhost B\nset all rcvbuf 2k sndbuf 2k\n"
				    "start B chargen\nconnect A to B:19 as c\n"
				    "run until c is ESTABLISHED\n";
	static const char want[] = "time stands still at 0s: traffic without end at one "
				   "instant (a sender such as chargen on a wire with no delay); "
				   "give the wire a delay, e.g. 'wire delay 100us'";
	const char *last[] = {"run 1s\n", "run until c received 1g\n"};
	char text[512];
	struct run r;

	for (unsigned i = 0; i < 2; i++) {
		snprintf(text, sizeof(text), "%s%s", setup, last[i]);
		ck_assert_int_eq(run_text(&r, text), SCRIPT_FAILED);
		ck_assert_uint_eq(r.line_failed, 7);
		ck_assert_msg(strstr(r.msg, want) != NULL, "%s", r.msg);
		run_free(&r);
	}
	run_ok(&r, "host A\nhost B\nwire delay 1ms\nstart B chargen\n"
		   "connect A to B:19 as c\nrun 100ms\nexpect c received > 0\n");
	run_free(&r);
}
END_TEST

/* =================================================================== */
/* The raw peer.                                                        */
/* =================================================================== */

static const char peer_open[] =
	"host B 10.0.0.2\n"
	"listen B:8080 as srv accept s\n"
	"peer P 10.0.0.9 port 40000 to B:8080 isn 1000\n"
	"0    < S 0:0(0) win 65535 <mss 1460,sackOK,nop,nop,nop,wscale 7>\n"
	"+0   > S. 0:0(0) ack 1 win 65535 <mss 1460,wscale 3>\n"
	"+.1  < . 1:1(0) ack 1 win 512\n";

START_TEST(test_peer_opens_a_connection_packetdrill_style)
{
	struct run r;
	char text[2048];

	snprintf(text, sizeof(text), "%s%s", peer_open,
		 "expect s is ESTABLISHED\nexpect s snd.wnd == 65536\n"
		 "+0 < P. 1:11(10) ack 1 win 512\n"
		 "+0 > . 1:1(0) ack 11 win 32768\n"
		 "expect s received 10\n"
		 "+1 < F. 11:11(0) ack 1 win 512\n"
		 "+0 > . 1:1(0) ack 12\n"
		 "expect s is CLOSE-WAIT\nclose s\n"
		 "+0 > F. 1:1(0) ack 12 <...>\n"
		 "+0 < . 12:12(0) ack 2 win 512\n"
		 "expect s is CLOSED\n");
	run_ok(&r, text);
	run_free(&r);
}
END_TEST

START_TEST(test_peer_checks_retransmission_timing)
{
	struct run r;

	run_ok(&r, "host B 10.0.0.2\nlisten B:80 as srv\npeer P 10.0.0.9 to B:80\n"
		   "0 < S 0:0(0) win 1000\n"
		   "+0 > S. 0:0(0) ack 1 <...>\n"
		   "+1 > S. 0:0(0) ack 1 <...>\n"
		   "+2 > S. 0:0(0) ack 1 <...>\n"
		   "+3.9~+4.1 > S. 0:0(0) ack 1 <...>\n"
		   "* > S. 0:0(0) ack 1 <...>\n");
	run_free(&r);
}
END_TEST

START_TEST(test_host_connecting_to_the_peer_is_learned)
{
	struct run r;

	run_ok(&r, "host A 10.0.0.1\npeer P 10.0.0.9\nconnect A to P:80 as c\n"
		   "0 > S 0:0(0) <mss 1460,wscale 3>\n"
		   "+0.01 < S. 0:0(0) ack 1 win 5000 <mss 1000>\n"
		   "+0 > . 1:1(0) ack 1\n"
		   "expect c is ESTABLISHED\nexpect c mss == 1000\n"
		   "send c \"hi\"\n+0 > P. 1:3(2) ack 1\n"
		   "+0 < R. 1:1(0) ack 3 win 0\nexpect c is CLOSED\nexpect c error reset\n");
	run_free(&r);
}
END_TEST

START_TEST(test_hosts_added_after_the_peer_know_its_mac)
{
	struct run r;

	/* The static ARP entry is added to hosts declared later too, so the
	 * SYN leaves at once, with no ARP exchange first. */
	run_ok(&r, "peer P 10.0.0.9\nhost A 10.0.0.1\nconnect A to P:80 as c\n"
		   "0 > S 0:0(0) <...>\n");
	run_free(&r);
}
END_TEST

/* =================================================================== */
/* Every runtime error and failure, exactly.                            */
/* =================================================================== */

struct xerr_case {
	const char *name;
	const char *text;
	enum script_status status;
	const char *msg;
};

#define AB "host A\nhost B\n"
#define ABC AB "listen B:80 as srv accept s\nconnect A to B:80 as c\nrun until s is ESTABLISHED\n"

static const struct xerr_case xerr_cases[] = {
	{"host_not_connection", ABC "listen c:80", SCRIPT_ERROR, "t.tvs:6:8: 'c' is a connection, not a host"},
	{"host_not_peer", AB "peer P 10.0.0.9\nstart P echo", SCRIPT_ERROR, "t.tvs:4:7: 'P' is a raw peer, not a host with a stack"},
	{"no_host", "connect Z to B:80", SCRIPT_ERROR, "t.tvs:1:9: no host named 'Z'"},
	{"future_child", AB "listen B:80 accept s\nexpect s is LISTEN", SCRIPT_FAILED, "t.tvs:4:8: no connection named 's' yet: listener 'l1' has not accepted it"},
	{"conn_not_host", AB "close A", SCRIPT_ERROR, "t.tvs:3:7: 'A' is a host, not a connection"},
	{"no_conn", AB "close c", SCRIPT_ERROR, "t.tvs:3:7: no connection named 'c'"},
	{"name_taken", AB "connect A to B:80 as B", SCRIPT_ERROR, "t.tvs:3:22: the name 'B' is already taken by a host"},
	{"name_taken_conn", ABC "listen B:81 as c", SCRIPT_ERROR, "t.tvs:6:16: the name 'c' is already taken by a connection"},
	{"addr_used", "host A 10.0.0.1\nhost B 10.0.0.1", SCRIPT_ERROR, "t.tvs:2:1: address 10.0.0.1 is already used by 'A'"},
	{"off_link", "host A 10.0.0.1\nhost B 10.0.1.1", SCRIPT_ERROR, "t.tvs:2:1: 10.0.1.1 is not on the same /24 network as host 'A' (10.0.0.1)"},
	{"bad_addr", "host A 10.0.0.255", SCRIPT_ERROR, "t.tvs:1:1: 10.0.0.255 cannot be a host's address"},
	{"zero_param", "host A\nset A msl 0s", SCRIPT_ERROR, "t.tvs:2:7: 'msl' cannot be 0"},
	{"small_param", "host A\nset A mss 10", SCRIPT_ERROR, "t.tvs:2:7: 'mss' must be at least 64"},
	{"conn_param_on_host", "host A\nset A autoread off", SCRIPT_ERROR, "t.tvs:2:7: 'autoread' is a connection parameter; set it on a connection"},
	{"host_param_on_conn", ABC "set c msl 1s", SCRIPT_ERROR, "t.tvs:6:7: 'msl' is a host parameter; set it on the host"},
	{"param_after_close", ABC "close c\nset c nagle off", SCRIPT_ERROR, "t.tvs:7:7: 'c' was closed; its parameters cannot change"},
	{"param_too_late", ABC "set c mss 500", SCRIPT_ERROR, "t.tvs:6:7: 'mss' can only be set before the connection opens (use 'with mss ...' on connect or listen)"},
	{"set_peer", "peer P 10.0.0.9\nset P msl 1s", SCRIPT_ERROR, "t.tvs:2:5: 'P' is a raw peer: it has no stack to set"},
	{"set_nothing", "set Q msl 1s", SCRIPT_ERROR, "t.tvs:1:5: no host or connection named 'Q'"},
	{"mac_taken", "host A 10.0.0.1 mac 02:00:00:00:00:01\nhost B 10.0.0.2 mac 02:00:00:00:00:01", SCRIPT_ERROR, "t.tvs:2:1: that MAC address is already on the wire"},
	{"too_many_hosts", "host h1\nhost h2\nhost h3\nhost h4\nhost h5\nhost h6\nhost h7\nhost h8\nhost h9\n"
	 "host h10\nhost h11\nhost h12\nhost h13\nhost h14\nhost h15\nhost h16\nhost h17", SCRIPT_ERROR,
	 "t.tvs:17:1: too many hosts and peers on the wire (16 at most)"},
	{"wire_unknown", "host A\nwire A -> Q delay 1ms", SCRIPT_ERROR, "t.tvs:2:11: no host or peer named 'Q'"},
	{"wire_same", "host A\nwire A -> A delay 1ms", SCRIPT_ERROR, "t.tvs:2:11: a direction needs two different ends"},
	{"listen_twice", AB "listen B:80\nlisten B:80", SCRIPT_FAILED, "t.tvs:4:1: listen l2 failed: address already in use"},
	{"accept_not_listener", ABC "accept c", SCRIPT_ERROR, "t.tvs:6:8: 'c' is not an open listener"},
	{"accept_nothing", AB "listen B:80 as l noaccept\naccept l", SCRIPT_FAILED, "t.tvs:4:1: no connection is waiting to be accepted on 'l'"},
	{"send_listener", ABC "send srv \"x\"", SCRIPT_ERROR, "t.tvs:6:6: 'srv' is a listener; use its accepted connections"},
	{"send_closed", ABC "close c\nsend c \"x\"", SCRIPT_ERROR, "t.tvs:7:6: 'c' was already closed or aborted"},
	{"send_after_shutdown", ABC "shutdown c\nsend c \"x\"", SCRIPT_FAILED, "t.tvs:7:1: send c failed: connection closing"},
	{"shutdown_listener", ABC "shutdown srv", SCRIPT_ERROR, "t.tvs:6:10: 'srv' is a listener; close it instead"},
	{"close_twice", ABC "close c\nclose c", SCRIPT_ERROR, "t.tvs:7:7: 'c' was already closed or aborted"},
	{"start_twice", AB "start B echo\nstart B echo", SCRIPT_FAILED, "t.tvs:4:1: starting echo on B failed: address already in use"},
	{"stop_nothing", AB "stop B", SCRIPT_ERROR, "t.tvs:3:6: no services were started on 'B'"},
	{"step_nothing", AB "step", SCRIPT_FAILED, "t.tvs:3:1: nothing is held at any gate"},
	{"drop_nothing", AB "drop next", SCRIPT_FAILED, "t.tvs:3:1: nothing is held at any gate"},
	{"drop_unknown", AB "drop 99", SCRIPT_FAILED, "t.tvs:3:1: no frame #99 is held at any gate"},
	{"rule_gone", ABC "abort c\nrule drop from A seq 1..2 of c", SCRIPT_FAILED, "t.tvs:7:30: 'c' has no TCB any more"},
	{"rule_no_irs", AB "connect A to B:80 as c\nrule drop from B seq 1..2 of c", SCRIPT_FAILED, "t.tvs:4:30: 'c' has not seen its peer's SYN yet, so its peer's sequence numbers are unknown"},
	{"rule_no_gate", "peer P 10.0.0.9\nrule drop from P", SCRIPT_ERROR, "t.tvs:2:1: a rule acts at a host's gate: 'from', 'to' or 'on' must name a host"},
	{"rule_unknown", "host A\nrule drop from Q", SCRIPT_ERROR, "t.tvs:2:16: no host or peer named 'Q'"},
	{"until_idle", ABC "send c 1k\nrun until idle within 10ms", SCRIPT_FAILED, "t.tvs:7:1: the simulation did not go idle within 10ms"},
	{"until_quiet", AB "wire delay 1s\nlisten B:80\nconnect A to B:80\nrun until quiet within 10ms", SCRIPT_FAILED, "t.tvs:6:1: the wire did not go quiet within 10ms"},
	{"until_state", AB "connect A to B:80 as c\nrun until c is ESTABLISHED within 1s", SCRIPT_FAILED, "t.tvs:4:11: 'c' did not reach ESTABLISHED within 1s: it is CLOSED"},
	{"until_received", ABC "run until s received 1 within 1s", SCRIPT_FAILED, "t.tvs:6:11: 's' did not receive 1 bytes within 1s: it has 0"},
	{"until_timer", AB "run until 2msl fires within 5s", SCRIPT_FAILED, "t.tvs:3:1: no 2msl timer fired within 5s"},
	{"until_any_timer", "host A\nrun 10s\nnext timer", SCRIPT_FAILED, "t.tvs:3:1: no timer fired within 1h"},
	{"until_child", AB "listen B:80 accept s\nrun until s is ESTABLISHED within 1s", SCRIPT_FAILED, "t.tvs:4:11: no connection named 's' appeared within 1s"},
	{"until_unknown", AB "run until q is ESTABLISHED", SCRIPT_ERROR, "t.tvs:3:11: no connection named 'q'"},
	{"peer_no_addr", "peer P", SCRIPT_ERROR, "t.tvs:1:6: a new peer needs an address: peer P ADDRESS"},
	{"peer_readdress", "peer P 10.0.0.9\npeer P 10.0.0.8", SCRIPT_ERROR, "t.tvs:2:6: peer 'P' exists; its address cannot change"},
	{"pkt_no_peer", "host A\n+0 < S 0:0(0) win 1", SCRIPT_ERROR, "t.tvs:2:1: no raw peer: declare one first (peer NAME ADDRESS to HOST:PORT)"},
	{"pkt_no_target", AB "peer P 10.0.0.9\n+0 < S 0:0(0) win 1", SCRIPT_ERROR, "t.tvs:4:1: peer 'P' does not know which host it talks to: add 'to HOST:PORT'"},
	{"pkt_no_port", AB "peer P 10.0.0.9 to B\n+0 < S 0:0(0) win 1", SCRIPT_ERROR, "t.tvs:4:1: peer 'P' does not know the host's port: add 'to B:PORT'"},
	{"pkt_past", "host B\npeer P 10.0.0.9 to B:80\nrun 2s\n1 < S 0:0(0) win 1", SCRIPT_FAILED, "t.tvs:4:1: this line's time 1s is already past (it is 2s)"},
	{"pkt_unexpected", "host B\nlisten B:80\npeer P 10.0.0.9 to B:80\n0 < S 0:0(0) win 1\n+1 < . 1:1(0) ack 1 win 1", SCRIPT_FAILED,
	 "t.tvs:5:1: the host sent a segment no '>' line expected (at 0s); write a '>' line for it or use 'peer P strict off'"},
	{"pkt_nothing", "host B\npeer P 10.0.0.9 to B:80\n+1 > S 0:0(0)", SCRIPT_FAILED, "t.tvs:3:1: the host sent nothing by 1s"},
	{"pkt_early", "host B\nlisten B:80\npeer P 10.0.0.9 to B:80\n0 < S 0:0(0) win 1\n+1 > S. 0:0(0) ack 1 <...>", SCRIPT_FAILED,
	 "t.tvs:5:1: the segment came too early: at 0s, expected from 1s"},
	{"pkt_differs", "host B\nlisten B:80\npeer P 10.0.0.9 to B:80\n0 < S 0:0(0) win 1\n+0 > S. 0:0(0) ack 2 <...>", SCRIPT_FAILED,
	 "t.tvs:5:6: the host sent a different segment (acknowledgment number differ)"},
	{"pkt_opts_differ", "host B\nlisten B:80\npeer P 10.0.0.9 to B:80\n0 < S 0:0(0) win 1\n+0 > S. 0:0(0) ack 1", SCRIPT_FAILED,
	 "t.tvs:5:6: the host sent a different segment (options differ)"},
	{"pkt_flags_differ", "host B\npeer P 10.0.0.9 to B:80\n0 < S 0:0(0) win 1\n+0 > S. 0:0(0) ack 1", SCRIPT_FAILED,
	 "t.tvs:4:6: the host sent a different segment (flags differ)"},
	{"pkt_wrong_flow", "host A 10.0.0.1\nhost B 10.0.0.2\npeer P 10.0.0.9 to B:80 port 5000\n"
	 "connect A to P:5000\n+0 > S 0:0(0) <...>", SCRIPT_FAILED,
	 "t.tvs:5:1: the segment came from 10.0.0.1 port 62346 to port 5000, but peer 'P' talks to B port 80 from port 5000"},
	{"expect_state", ABC "expect c is CLOSED", SCRIPT_FAILED, "t.tvs:6:8: 'c' is ESTABLISHED, expected CLOSED"},
	{"expect_field", ABC "expect c snd.nxt == 5", SCRIPT_FAILED, "t.tvs:6:18: snd.nxt of 'c' is 1, expected == 5"},
	{"expect_field_time", ABC "expect c rto > 1s", SCRIPT_FAILED, "t.tvs:6:14: rto of 'c' is 1s, expected > 1s"},
	{"expect_field_closed", ABC "abort c\nexpect c cwnd > 0", SCRIPT_FAILED, "t.tvs:7:8: 'c' has no TCB any more: it is CLOSED"},
	{"expect_timer_host", ABC "expect c timer arp running", SCRIPT_ERROR, "t.tvs:6:1: the arp timer belongs to a host, not a connection"},
	{"expect_timer_not_running", ABC "expect c timer rexmit running", SCRIPT_FAILED, "t.tvs:6:1: the rexmit timer of 'c' is not running"},
	{"expect_timer_running", ABC "send c 1\nexpect c timer rexmit stopped", SCRIPT_FAILED, "t.tvs:7:1: the rexmit timer of 'c' is running (1s left)"},
	{"expect_timer_left", ABC "send c 1\nexpect c timer rexmit < 1s", SCRIPT_FAILED, "t.tvs:7:23: the rexmit timer of 'c' has 1s left, expected < 1s"},
	{"expect_timer_left_stopped", ABC "expect c timer rexmit < 1s", SCRIPT_FAILED, "t.tvs:6:1: the rexmit timer of 'c' is not running"},
	{"expect_received", ABC "send c \"hi\"\nrun until quiet\nexpect s received \"ho\"", SCRIPT_FAILED, "t.tvs:8:1: 's' received other bytes than expected (2 bytes)"},
	{"expect_received_size", ABC "expect s received > 0", SCRIPT_FAILED, "t.tvs:6:19: 's' received 0 bytes, expected > 0"},
	{"expect_no_error", ABC "expect c error reset", SCRIPT_FAILED, "t.tvs:6:1: 'c' saw no error, expected 'reset'"},
	{"expect_error", ABC "abort s\nrun until quiet\nexpect c error timeout", SCRIPT_FAILED, "t.tvs:8:1: 'c' saw the error 'reset' (connection reset by peer), expected 'timeout'"},
	{"expect_eof", ABC "expect s eof", SCRIPT_FAILED, "t.tvs:6:1: 's' has not read the end of the stream"},
	{"expect_counter", ABC "expect B tcp.rst_sent > 0", SCRIPT_FAILED, "t.tvs:6:23: B tcp.rst_sent is 0, expected > 0"},
	{"expect_counter_of_conn", ABC "expect c counter tcp.tx == 0", SCRIPT_FAILED, "t.tvs:6:25: A tcp.tx is 2, expected == 0"},
	{"expect_conns", ABC "expect B conns SYN-RECEIVED == 1", SCRIPT_FAILED, "t.tvs:6:29: connections of B in SYN-RECEIVED is 0, expected == 1"},
	{"expect_held", ABC "expect held > 0", SCRIPT_FAILED, "t.tvs:6:13: frames held at the gates is 0, expected > 0"},
	{"expect_held_host", ABC "expect A held > 0", SCRIPT_FAILED, "t.tvs:6:15: frames held at A is 0, expected > 0"},
	{"expect_no_host", "expect Q held == 0", SCRIPT_ERROR, "t.tvs:1:8: no host named 'Q'"},
	{"not_accepted", AB "listen B:80 noaccept\nconnect A to B:80\nrun until quiet\nsend l1.1 \"x\"", SCRIPT_FAILED,
	 "t.tvs:6:6: 'l1.1' has not been accepted yet"},
	{"wire_refused", "host B\nlisten B:80\npeer P 10.0.0.9 to B:80\n+0 < . 1:8961(8960) ack 1 win 1 "
	 "<nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop>", SCRIPT_FAILED,
	 "t.tvs:4:1: the wire refused the segment: too large"},
};

START_TEST(test_every_runtime_error_and_failure_is_reported_exactly)
{
	const struct xerr_case *c = &xerr_cases[_i];
	struct run r;
	enum script_status st = run_text(&r, c->text);

	ck_assert_msg(st == c->status, "%s: status %d, expected %d (%s)", c->name, st, c->status,
		      r.msg);
	ck_assert_msg(strcmp(r.msg, c->msg) == 0, "%s:\n  got      %s\n  expected %s", c->name,
		      r.msg, c->msg);
	run_free(&r);
}
END_TEST

START_TEST(test_a_gate_takes_64_rules_at_most)
{
	char text[4096] = "host A\n";
	struct run r;

	for (int i = 0; i < GATE_RULES_MAX + 1; i++)
		strcat(text, "rule drop from A flags R\n");
	ck_assert_int_eq(run_text(&r, text), SCRIPT_ERROR);
	ck_assert_str_eq(r.msg, "t.tvs:66:1: too many rules at this gate (64 at most)");
	run_free(&r);
}
END_TEST

START_TEST(test_failure_names_both_ends_of_the_connection)
{
	struct run r;
	char buf[4096];

	ck_assert_int_eq(run_text(&r, ABC "expect c cwnd == 1"), SCRIPT_FAILED);
	ck_assert_uint_eq(r.res.ntcbs, 2);
	ck_assert_str_eq(r.res.tcbs[0].name, "c");
	ck_assert_str_eq(r.res.tcbs[1].name, "s");
	ck_assert_str_eq(r.res.expected, "c cwnd == 1");
	ck_assert_str_eq(r.res.actual, "c cwnd = 4380");
	struct tcb *t = run_tcb(&r, 1);
	ck_assert_ptr_nonnull(t);
	script_tcb_format(t, sim_now(r.sim), buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "state ESTABLISHED 10.0.0.2:80 -> 10.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(buf, "snd.una 1 ["));
	ck_assert_ptr_nonnull(strstr(buf, "cwnd 4380"));
	ck_assert_ptr_nonnull(strstr(buf, "2msl -"));
	ck_assert_str_eq(script_endpoint_name(r.sc, r.res.tcbs[1].host), "B");
	run_free(&r);
}
END_TEST

/* RFC 6298 5.5 doubles the RTO itself: the `rto` field and the TCB dump
 * show the timeout the timer runs with (backed off), rto.base the value
 * the RTT samples gave. */
START_TEST(test_rto_field_and_dump_show_the_backed_off_rto)
{
	struct run r;
	char buf[4096];

	run_ok(&r, "host A\nhost B\nlisten B:80 as srv accept s\n"
		   "rule drop from A flags S next 2\nconnect A to B:80 as c\n"
		   "expect c rto == 1s\nexpect c rto.base == 1s\n"
		   "next timer\nexpect c rexmits == 1\n"
		   "expect c rto == 2s\nexpect c rto.base == 1s\nexpect c timer rexmit == 2s\n"
		   "next timer\nexpect c rto == 4s\nexpect c rto.base == 1s\n"
		   "expect c rto > rto.base\n");
	run_free(&r);
	ck_assert_int_eq(run_text(&r, "host A\nhost B\nlisten B:80 as srv accept s\n"
				      "rule drop from A flags S next 1\nconnect A to B:80 as c\n"
				      "next timer\nexpect c cwnd == 1"),
			 SCRIPT_FAILED);
	struct tcb *t = run_tcb(&r, 0);
	ck_assert_ptr_nonnull(t);
	script_tcb_format(t, sim_now(r.sim), buf, sizeof(buf));
	ck_assert_msg(strstr(buf, " rto 2s rto.base 1s ") != NULL, "%s", buf);
	run_free(&r);
}
END_TEST

START_TEST(test_peer_failure_shows_expected_and_actual_segments)
{
	struct run r;

	ck_assert_int_eq(run_text(&r, "host B\nlisten B:80\npeer P 10.0.0.9 to B:80\n"
				      "0 < S 0:0(0) win 1 <mss 1000>\n+0 > S. 0:0(0) ack 1 win 1 <mss 1460>"),
			 SCRIPT_FAILED);
	ck_assert_str_eq(r.res.expected, "S. 0:0(0) ack 1 win 1 <mss 1460>");
	/* no wscale: the peer did not offer it (RFC 7323 1.3) */
	ck_assert_str_eq(r.res.actual, "S. 0:0(0) ack 1 win 65535 <mss 1460>");
	ck_assert_uint_eq(r.res.ntcbs, 1);
	run_free(&r);
}
END_TEST

/* =================================================================== */
/* Malformed input never crashes.                                       */
/* =================================================================== */

static const char *const corpus[] = {
	"host A 10.0.0.1 mac 02:00:0a:00:00:01", "wire A <-> B delay 10ms loss 5%",
	"set all msl 30s keepalive on", "listen B:80 as srv accept s with rcvbuf 4k",
	"connect A to B:80 as c from 5000", "send c \"hello\\x41\\n\"", "send c 10k of zeros",
	"recv c 100", "close c", "hold A in", "step 2", "delay next 5ms",
	"rule drop from A to B flags S./SA seq 1..100 of c every 3rd",
	"run until c is TIME-WAIT within 5min", "run until 2msl fires on c",
	"peer P 10.0.0.9 port 40000 to B:80 isn 5 tolerance 1ms",
	"+0.1 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>",
	"* > S. 0:0(0) ack 1 <...>", "+1~+2 > P. 1:1001(1000) ack 1 win 257",
	"expect c snd.nxt >= s rcv.nxt", "expect c timer keepalive <= 75s",
	"expect B counter tcp.rst_sent == 1", "say \"三次握手 \\\"quoted\\\"\"", "pause",
};

static const char *const pieces[] = {
	"host", "A", "B", "10.0.0.1", "->", "<->", "<", ">", "(", ")", "<...>", ":", "\"", "\\",
	"\"x\"", "0x", "99999999999999999999999", "1.5", "5%", "200ms", "1m", "S.", ".", "*",
	"~", "+", "#", "/*", "//", "expect", "rule", "run", "until", "is", "seq", "..", "...",
	"\xff", "\xe4\xb8\xad", "\x01", "02:00:00:00:00:01", "-", "every", "0", "flags",
};

static size_t fuzz_line(struct tv_rng *rng, char *buf, size_t cap)
{
	size_t n = 0;
	unsigned mode = (unsigned)tv_rng_below(rng, 4);

	if (mode == 0) { /* random bytes, NULs included */
		n = (size_t)tv_rng_below(rng, 200);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)tv_rng_below(rng, 256);
		return n;
	}
	if (mode == 1) { /* a valid line, mutated */
		const char *src = corpus[tv_rng_below(rng, TV_ARRAY_LEN(corpus))];
		n = strlen(src);
		memcpy(buf, src, n);
		for (unsigned k = (unsigned)tv_rng_below(rng, 4); k > 0 && n > 0; k--) {
			size_t at = (size_t)tv_rng_below(rng, n);
			if (tv_rng_below(rng, 2))
				buf[at] = (char)tv_rng_below(rng, 256);
			else
				memmove(buf + at, buf + at + 1, --n - at);
		}
		return n;
	}
	if (mode == 2) { /* pieces glued together */
		for (unsigned k = (unsigned)tv_rng_below(rng, 12); k > 0; k--) {
			const char *p = pieces[tv_rng_below(rng, TV_ARRAY_LEN(pieces))];
			size_t l = strlen(p);
			if (n + l + 1 >= cap)
				break;
			memcpy(buf + n, p, l);
			n += l;
			if (tv_rng_below(rng, 3))
				buf[n++] = ' ';
		}
		return n;
	}
	/* deep nesting of brackets and an unterminated string */
	n = (size_t)tv_rng_below(rng, 1000);
	for (size_t i = 0; i < n; i++)
		buf[i] = "<(<[\""[tv_rng_below(rng, 5)];
	return n;
}

START_TEST(test_random_lines_never_crash_the_parser)
{
	struct tv_rng rng;
	char buf[2048];
	unsigned ok = 0, bad = 0;

	tv_rng_seed(&rng, 20240601);
	for (unsigned i = 0; i < 100000; i++) {
		size_t n = fuzz_line(&rng, buf, sizeof(buf));
		script_cmd_free(&cmd);
		if (script_parse_line("fuzz", i + 1, buf, n, &cmd, &perr) == 0) {
			ok++;
		} else {
			bad++;
			ck_assert_uint_ge(perr.col, 1);
			ck_assert_uint_le(perr.col, n + 1);
			ck_assert(perr.msg[0] != '\0');
		}
	}
	/* The generator must exercise both sides. */
	ck_assert_uint_gt(ok, 1000);
	ck_assert_uint_gt(bad, 50000);
}
END_TEST

/* Valid lines that leave time alone, executed in any order. */
START_TEST(test_random_valid_commands_never_crash_the_executor)
{
	struct script_config cfg = {.seed = 3, .run_limit = TV_SEC(1)};
	struct sim *sim = sim_new(3);
	struct script *sc = script_new(sim, &cfg);
	struct script_result res;
	struct tv_rng rng;
	char buf[2048];
	unsigned ran = 0;

	tv_rng_seed(&rng, 77);
	for (unsigned i = 0; i < 20000; i++) {
		size_t n = fuzz_line(&rng, buf, sizeof(buf));
		if (script_parse_line("fuzz", i + 1, buf, n, &cmd, &perr) != 0)
			continue;
		switch (cmd.kind) {
		case SCRIPT_RUN: case SCRIPT_RUN_UNTIL: case SCRIPT_NEXT_TIMER: case SCRIPT_STEP:
		case SCRIPT_PKT:
			break; /* time moves: exercised by the scripts above */
		default:
			script_exec(sc, &cmd, &res);
			ck_assert(res.status == SCRIPT_OK || res.err.msg[0] != '\0');
			ran++;
		}
		script_cmd_free(&cmd);
	}
	ck_assert_uint_gt(ran, 100);
	script_free(sc);
	sim_free(sim);
}
END_TEST

START_TEST(test_huge_and_nul_filled_lines_are_refused_cleanly)
{
	size_t n = 60000;
	char *line = malloc(n);

	ck_assert_ptr_nonnull(line);
	memset(line, '<', n);
	ck_assert_int_ne(script_parse_line("t.tvs", 1, line, n, &cmd, &perr), 0);
	memset(line, 0, n);
	ck_assert_int_ne(script_parse_line("t.tvs", 1, line, n, &cmd, &perr), 0);
	ck_assert_str_eq(perr.msg, "unexpected character '\\x00'");
	memcpy(line, "say \"", 5);
	memset(line + 5, 'x', n - 5);
	ck_assert_int_ne(script_parse_line("t.tvs", 1, line, n, &cmd, &perr), 0);
	ck_assert_str_eq(perr.msg, "unterminated string");
	memcpy(line, "send c \"", 8);
	line[n - 1] = '"';
	ck_assert_int_eq(script_parse_line("t.tvs", 1, line, n, &cmd, &perr), 0);
	ck_assert_uint_eq(cmd.text_len, n - 9);
	script_cmd_free(&cmd);
	free(line);
}
END_TEST


/* `send` makes its bytes a chunk at a time: a gigabyte queued takes one
 * chunk of memory, and what is sent after it still comes after it. */
static const struct sconn *run_conn(struct run *r, const char *name)
{
	for (const struct sconn *c = r->sc->conns; c != NULL; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	ck_abort_msg("no connection %s", name);
	return NULL;
}

START_TEST(test_send_is_made_a_chunk_at_a_time)
{
	struct run r;
	const struct sconn *c;

	run_ok(&r, "host A 10.0.0.1\nhost B 10.0.0.2\nstart B discard\n"
		   "connect A to B:9 as c\nrun until c is ESTABLISHED\n"
		   "send c 1g of zeros\nsend c \"end\"\n");
	c = run_conn(&r, "c");
	ck_assert_uint_le(c->tx_len, SCRIPT_SEND_CHUNK);
	ck_assert_ptr_nonnull(c->sends);
	ck_assert_uint_gt(c->sends->left, (1ull << 30) - (4ull << 20));
	ck_assert_ptr_nonnull(c->sends->next);
	ck_assert_uint_eq(c->sends->next->left, 3);
	run_free(&r);
}
END_TEST

START_TEST(test_send_keeps_order_across_chunks)
{
	struct run r;
	const struct sconn *c;
	size_t n = 3 * SCRIPT_SEND_CHUNK + 17;
	char text[512];

	snprintf(text, sizeof(text),
		 "host A 10.0.0.1\nhost B 10.0.0.2\nstart B echo\n"
		 "connect A to B:7 as c\nrun until c is ESTABLISHED\n"
		 "send c %zu of chargen\nsend c \"END\"\nrun until c received %zu\n", n, n + 3);
	run_ok(&r, text);
	c = run_conn(&r, "c");
	ck_assert_uint_eq(c->rx_total, n + 3);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(c->rx[i], (uint8_t)(' ' + i % 95));
	ck_assert_int_eq(memcmp(c->rx + n, "END", 3), 0);
	run_free(&r);
}
END_TEST

static Suite *script_suite(void)
{
	Suite *s = suite_create("script");
	TCase *p = tcase_create("parse");
	TCase *e = tcase_create("errors");
	TCase *x = tcase_create("exec");
	TCase *pe = tcase_create("peer");
	TCase *f = tcase_create("fuzz");

	tcase_add_checked_fixture(p, NULL, teardown_cmd);
	tcase_add_checked_fixture(e, NULL, teardown_cmd);
	tcase_add_checked_fixture(x, NULL, teardown_cmd);
	tcase_add_checked_fixture(f, NULL, teardown_cmd);
	tcase_add_test(p, test_blank_and_comment_lines_parse_to_nothing);
	tcase_add_test(p, test_setup_commands_parse);
	tcase_add_test(p, test_application_commands_parse);
	tcase_add_test(p, test_gate_commands_parse);
	tcase_add_test(p, test_time_commands_parse);
	tcase_add_test(p, test_peer_and_packet_lines_parse);
	tcase_add_test(p, test_expect_and_narration_parse);
	tcase_add_test(p, test_keywords_are_case_insensitive);
	tcase_add_test(p, test_file_parse_collects_every_error);
	tcase_add_test(p, test_lesson_summary_is_the_first_lesson_comment);
	tcase_add_test(p, test_value_conversions_refuse_what_the_lexer_never_makes);
	tcase_add_test(p, test_durations_print_in_their_shortest_exact_form);
	tcase_add_test(p, test_suggestion_is_the_nearest_word_within_reach);
	tcase_add_loop_test(e, test_every_parse_error_is_reported_exactly, 0,
			    (int)TV_ARRAY_LEN(perr_cases));
	tcase_add_test(e, test_errors_carry_file_and_line);
	tcase_add_test(e, test_columns_count_characters_not_bytes);
	tcase_add_test(e, test_line_longer_than_the_limit_is_refused);
	tcase_add_test(e, test_long_tokens_are_quoted_short);
	tcase_add_test(e, test_narration_longer_than_a_note_is_refused);
	tcase_add_loop_test(e, test_every_runtime_error_and_failure_is_reported_exactly, 0,
			    (int)TV_ARRAY_LEN(xerr_cases));
	tcase_add_test(e, test_failure_names_both_ends_of_the_connection);
	tcase_add_test(e, test_rto_field_and_dump_show_the_backed_off_rto);
	tcase_add_test(e, test_a_gate_takes_64_rules_at_most);
	tcase_add_test(e, test_peer_failure_shows_expected_and_actual_segments);
	tcase_add_test(x, test_handshake_names_the_accepted_connection);
	tcase_add_test(x, test_listener_names_children_in_turn);
	tcase_add_test(x, test_noaccept_leaves_connections_queued_until_accept);
	tcase_add_test(x, test_child_named_at_its_syn_gives_its_name_on_when_reset);
	tcase_add_test(x, test_half_open_child_can_be_watched_before_accept);
	tcase_add_test(x, test_data_flows_and_close_reaches_time_wait);
	tcase_add_test(x, test_autoread_off_lets_the_window_fill);
	tcase_add_test(x, test_abort_sends_rst_and_peer_sees_reset);
	tcase_add_test(x, test_connect_to_a_closed_port_is_refused);
	tcase_add_test(x, test_services_answer_and_stop);
	tcase_add_test(x, test_set_applies_host_and_connection_parameters);
	tcase_add_test(x, test_wire_loss_is_repaired_by_retransmission);
	tcase_add_test(x, test_hold_and_step_move_one_segment_at_a_time);
	tcase_add_test(x, test_held_frames_can_be_duplicated_delayed_and_released);
	tcase_add_test(x, test_rules_drop_the_next_and_every_nth);
	tcase_add_test(x, test_rule_seq_range_is_relative_to_the_connection);
	tcase_add_test(x, test_say_emits_a_note_and_pause_asks_to_stop);
	tcase_add_test(x, test_same_script_and_seed_give_the_same_events);
	tcase_add_test(x, test_seed_line_must_match_the_sims_seed);
	tcase_add_test(x, test_run_with_time_standing_still_fails_clearly);
	tcase_add_test(pe, test_peer_opens_a_connection_packetdrill_style);
	tcase_add_test(pe, test_peer_checks_retransmission_timing);
	tcase_add_test(pe, test_host_connecting_to_the_peer_is_learned);
	tcase_add_test(pe, test_hosts_added_after_the_peer_know_its_mac);
	tcase_add_test(f, test_send_is_made_a_chunk_at_a_time);
	tcase_add_test(f, test_send_keeps_order_across_chunks);
	tcase_add_test(f, test_random_lines_never_crash_the_parser);
	tcase_add_test(f, test_random_valid_commands_never_crash_the_executor);
	tcase_add_test(f, test_huge_and_nul_filled_lines_are_refused_cleanly);
	suite_add_tcase(s, p);
	suite_add_tcase(s, e);
	suite_add_tcase(s, x);
	suite_add_tcase(s, pe);
	suite_add_tcase(s, f);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(script_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
