/*
 * check_tcp_matrix.c - the segment arrival rules of RFC 9293 3.10.7 as a
 * table: for every state (CLOSED meaning "no TCB") and every kind of
 * segment, what the receiver sends back, which state it ends in, and
 * which host counter records the verdict.  The table below is the
 * documentation; one loop test runs every row (a failure names the row),
 * and a second test checks that the table leaves no state x kind cell out.
 *
 * Where RFC 5961 replaces RFC 793's rules, which RFC 9293 adopts for
 * stacks that implement it (RST and SYN in synchronized states, the ACK
 * range), the rows expect RFC 5961: the "challenge ACK"
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, rate-limited per host (RFC 5961 7;
 * the fresh fixture of each row never reaches the limit, see
 * test_challenge_ack_limit_shared_across_kinds for that).
 *
 * How a row runs: a fresh two-host fixture (tcp_fixture.h) drives a
 * connection into the state with real segments and throws away whatever
 * is still in flight; the receiver's variables (RCV.NXT, RCV.WND, SND.UNA,
 * SND.NXT, ISS, MAX.SND.WND) give the segment's numbers; the segment is
 * injected with correct checksums (except the bad-checksum kind); then
 * the frames the receiver sent, its state events and its counters are
 * compared with the row.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

/* Segment kinds.  "The ACK" is the acceptable one that acknowledges
 * nothing new: SND.UNA, or ISS+1 where our SYN is outstanding (SYN-SENT,
 * SYN-RECEIVED).  Without a TCB (CLOSED, LISTEN) and in SYN-SENT there is
 * no RCV.NXT: the peer's sequence number is then 7000 and, without a TCB,
 * its acknowledgment 9000. */
enum mx_kind {
	K_DATA,          /* 4 octets at RCV.NXT, with the ACK */
	K_OLD_DUP,       /* 4 octets ending at RCV.NXT: all below it */
	K_BEYOND,        /* 4 octets starting at RCV.NXT + RCV.WND */
	K_ZWP,           /* zero-window probe: 1 octet at RCV.NXT, RCV.WND = 0 */
	K_RST_EXACT,     /* RST, SEG.SEQ = RCV.NXT (no TCB: any RST) */
	K_RST_INWIN,     /* RST, SEG.SEQ = RCV.NXT + 1 */
	K_RST_OUTWIN,    /* RST, SEG.SEQ = RCV.NXT + RCV.WND */
	K_SYN_INWIN,     /* SYN, SEG.SEQ = RCV.NXT (no TCB, SYN-SENT: any SYN) */
	K_SYN_OUTWIN,    /* SYN, SEG.SEQ = RCV.NXT + RCV.WND + 1000 */
	K_SYNACK,        /* SYN,ACK acknowledging our SYN (SEG.ACK = ISS+1) */
	K_ACK_UNSENT,    /* the ACK bit, SEG.ACK = SND.NXT + 1 */
	K_ACK_OLD,       /* the ACK bit, SEG.ACK = SND.UNA - MAX.SND.WND - 1 */
	K_DUP_ACK,       /* bare ACK, SEG.ACK = SND.UNA, the same window */
	K_NO_ACK,        /* 4 octets at RCV.NXT, no control bit at all */
	K_FIN,           /* FIN,ACK at RCV.NXT; once the peer's FIN is in,
			    that FIN again (SEG.SEQ = RCV.NXT - 1) */
	K_BAD_CSUM,      /* K_DATA with a broken TCP checksum */
	/* SYN-SENT only */
	K_SS_SYNACK_BAD, /* SYN,ACK with SEG.ACK = ISS (figure 8's old SYN) */
	K_SS_RST_ACK,    /* RST,ACK with SEG.ACK = ISS+1 */
	K_SS_RST_BADACK, /* RST,ACK with SEG.ACK = ISS */
	K_SS_RST_NOACK,  /* RST without ACK */
	/* SYN-RECEIVED only */
	K_SR_DUP_SYN,    /* the peer's SYN again: SEG.SEQ = IRS */
	K_COUNT
};

static const char *const mx_kind_names[K_COUNT] = {
	"in-window data", "old duplicate", "beyond the window", "zero-window probe",
	"RST exact", "RST in window", "RST out of window", "SYN in window",
	"SYN out of window", "SYN,ACK", "ACK of unsent data", "ACK too old",
	"duplicate ACK", "no ACK bit", "FIN", "bad checksum", "SYN,ACK bad ACK",
	"RST,ACK acceptable", "RST,ACK bad ACK", "RST no ACK", "SYN again",
};

/* What the receiver sends back. */
enum mx_reply {
	R_NONE,   /* nothing */
	R_ACK,    /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (RCV.NXT after the row) */
	R_CHAL,   /* the same ACK as an RFC 5961 challenge ACK (counted) */
	R_DELACK, /* nothing yet: the ACK is delayed (RFC 1122 4.2.3.2) */
	R_RST,    /* <SEQ=SEG.ACK><CTL=RST> */
	R_RSTACK, /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
	R_SYNACK, /* <SEQ=ISS><ACK=SEG.SEQ+1><CTL=SYN,ACK> */
};

static const char *const mx_reply_names[] = {
	"nothing", "ACK", "challenge ACK", "delayed ACK", "RST", "RST,ACK", "SYN,ACK",
};

struct mx_row {
	uint8_t state;     /* enum tcb_state the receiver is in */
	uint8_t kind;      /* enum mx_kind */
	uint8_t reply;     /* enum mx_reply */
	uint8_t after;     /* enum tcb_state it ends in */
	uint8_t adv;       /* how far RCV.NXT moves (text taken, SYN, FIN) */
	uint8_t counter;   /* enum tv_counter bumped once, or N_NONE */
	uint8_t rule;      /* enum tv_rule some event reports, or NONE */
};

/* Short names for the table. */
#define S_CLOSED TCB_CLOSED
#define S_LISTEN TCB_LISTEN
#define S_SSENT TCB_SYN_SENT
#define S_SRCVD TCB_SYN_RECEIVED
#define S_ESTAB TCB_ESTABLISHED
#define S_FW1 TCB_FIN_WAIT_1
#define S_FW2 TCB_FIN_WAIT_2
#define S_CWAIT TCB_CLOSE_WAIT
#define S_CLOSING TCB_CLOSING
#define S_LACK TCB_LAST_ACK
#define S_TWAIT TCB_TIME_WAIT
#define N_NONE TV_CNT_COUNT
#define N_OOW TV_CNT_TCP_OUT_OF_WINDOW
#define N_RST_RX TV_CNT_TCP_RST_RX
#define N_RST_IGN TV_CNT_TCP_RST_IGNORED
#define N_DROPPED TV_CNT_TCP_DROPPED
#define N_NO_SOCK TV_CNT_TCP_NO_SOCKET
#define N_CSUM TV_CNT_TCP_BAD_CSUM
#define N_AFTER_FIN TV_CNT_TCP_DATA_AFTER_FIN

#define ROW(st, k, rep, aft, adv, cnt, rule)                                          \
	{                                                                             \
		S_##st, K_##k, R_##rep, S_##aft, adv, N_##cnt, TV_RULE_##rule         \
	}

/*
 * The matrix.  Columns: the receiver's state, the segment kind, the reply,
 * the state it ends in, how far RCV.NXT moves, the counter bumped (N_*),
 * the rule an event names.  Comments cite RFC 9293 unless they name RFC
 * 5961: "s1" to "s8" are the first to eighth steps of 3.10.7.4 (s1
 * sequence number, s2 RST, s4 SYN, s5 ACK, s7 text, s8 FIN); "3.1" is the
 * checksum of 3.1: a segment that fails it is discarded unanswered.
 */
static const struct mx_row mx_table[] = {
	/*  state  kind  reply  ends in  RCV.NXT+  counter  rule              RFC */
	/* ---- CLOSED: no TCB (3.10.7.1) ---- */
	ROW(CLOSED, DATA, RST, CLOSED, 0, NO_SOCK, CLOSED_RST),           /* ACK on: RST */
	ROW(CLOSED, RST_EXACT, NONE, CLOSED, 0, RST_IGN, CLOSED_RST_DROP),/* RST is discarded */
	ROW(CLOSED, SYN_INWIN, RSTACK, CLOSED, 0, NO_SOCK, CLOSED_RST),   /* ACK off: RST,ACK */
	ROW(CLOSED, SYNACK, RST, CLOSED, 0, NO_SOCK, CLOSED_RST),         /* ACK on */
	ROW(CLOSED, DUP_ACK, RST, CLOSED, 0, NO_SOCK, CLOSED_RST),        /* ACK on */
	ROW(CLOSED, NO_ACK, RSTACK, CLOSED, 0, NO_SOCK, CLOSED_RST),      /* ACK off: RST,ACK */
	ROW(CLOSED, FIN, RST, CLOSED, 0, NO_SOCK, CLOSED_RST),            /* ACK on */
	ROW(CLOSED, BAD_CSUM, NONE, CLOSED, 0, CSUM, BAD_CHECKSUM),       /* 3.1 */

	/* ---- LISTEN (3.10.7.2) ---- */
	ROW(LISTEN, DATA, RST, LISTEN, 0, NO_SOCK, LISTEN_ACK),           /* second: ACK -> RST */
	ROW(LISTEN, RST_EXACT, NONE, LISTEN, 0, RST_IGN, LISTEN_RST),     /* first: RST ignored */
	ROW(LISTEN, SYN_INWIN, SYNACK, SRCVD, 0, NONE, LISTEN_SYN),       /* third: SYN,ACK */
	ROW(LISTEN, SYNACK, RST, LISTEN, 0, NO_SOCK, LISTEN_ACK),         /* second before third */
	ROW(LISTEN, DUP_ACK, RST, LISTEN, 0, NO_SOCK, LISTEN_ACK),        /* second */
	ROW(LISTEN, NO_ACK, NONE, LISTEN, 0, DROPPED, NONE),              /* fourth: drop */
	ROW(LISTEN, FIN, RST, LISTEN, 0, NO_SOCK, LISTEN_ACK),            /* second */
	ROW(LISTEN, BAD_CSUM, NONE, LISTEN, 0, CSUM, BAD_CHECKSUM),       /* 3.1 */

	/* ---- SYN-SENT (3.10.7.3) ---- */
	ROW(SSENT, SYNACK, ACK, ESTAB, 1, NONE, SYN_SENT_SYNACK),         /* fourth: ISS ACKed */
	ROW(SSENT, SYN_INWIN, SYNACK, SRCVD, 1, NONE, SYN_SENT_SYN),      /* fourth: simultaneous */
	ROW(SSENT, SS_SYNACK_BAD, RST, SSENT, 0, DROPPED, SYN_SENT_BAD_ACK), /* first: =< ISS */
	ROW(SSENT, ACK_UNSENT, RST, SSENT, 0, DROPPED, SYN_SENT_BAD_ACK), /* first: > SND.NXT */
	ROW(SSENT, DUP_ACK, RST, SSENT, 0, DROPPED, SYN_SENT_BAD_ACK),    /* first: = ISS */
	ROW(SSENT, SS_RST_ACK, NONE, CLOSED, 0, RST_RX, SYN_SENT_RST),    /* second: refused */
	ROW(SSENT, SS_RST_BADACK, NONE, SSENT, 0, RST_IGN, SYN_SENT_RST_IGNORED), /* first: drop */
	ROW(SSENT, SS_RST_NOACK, NONE, SSENT, 0, RST_IGN, SYN_SENT_RST_IGNORED),  /* second: drop */
	ROW(SSENT, DATA, NONE, SSENT, 0, DROPPED, NONE),                  /* fifth: no SYN/RST */
	ROW(SSENT, NO_ACK, NONE, SSENT, 0, DROPPED, NONE),                /* fifth */
	ROW(SSENT, FIN, NONE, SSENT, 0, DROPPED, NONE),                   /* fifth (and s8) */
	ROW(SSENT, BAD_CSUM, NONE, SSENT, 0, CSUM, BAD_CHECKSUM),         /* 3.1 */

	/* ---- SYN-RECEIVED, passive open (3.10.7.4) ---- */
	ROW(SRCVD, DATA, DELACK, ESTAB, 4, NONE, SYN_RCVD_ACK),           /* s5 ESTABLISHED, s7 */
	ROW(SRCVD, OLD_DUP, ACK, SRCVD, 0, OOW, SEQ_UNACCEPTABLE),        /* s1 */
	ROW(SRCVD, BEYOND, ACK, SRCVD, 0, OOW, SEQ_UNACCEPTABLE),         /* s1 */
	ROW(SRCVD, RST_EXACT, NONE, LISTEN, 0, RST_RX, SYN_RCVD_RST_PASSIVE), /* s2, note 1 */
	ROW(SRCVD, RST_INWIN, CHAL, SRCVD, 0, RST_IGN, RST_CHALLENGE),    /* s2 3), RFC 5961 3.2 */
	ROW(SRCVD, RST_OUTWIN, NONE, SRCVD, 0, RST_IGN, RST_OUT_OF_WINDOW), /* s2 1) */
	ROW(SRCVD, SYN_INWIN, NONE, LISTEN, 0, NONE, SYN_RCVD_SYN_PASSIVE), /* s4: passive */
	/* s1: unacceptable, so an ACK; sent rate-limited like RFC 5961's */
	ROW(SRCVD, SYN_OUTWIN, CHAL, SRCVD, 0, OOW, SYN_CHALLENGE),
	/* Beyond the RFC (tcp_in.c in_syn_received): the peer's SYN again
	 * means our SYN,ACK was lost; s1 would answer with a bare ACK, which
	 * the peer in SYN-SENT drops (3.10.7.3 fifth), so it is resent. */
	ROW(SRCVD, SR_DUP_SYN, SYNACK, SRCVD, 0, NONE, SYN_RCVD_DUP_SYN),
	ROW(SRCVD, ACK_UNSENT, RST, SRCVD, 0, DROPPED, SYN_RCVD_BAD_ACK), /* s5: <SEQ=SEG.ACK> */
	ROW(SRCVD, ACK_OLD, RST, SRCVD, 0, DROPPED, SYN_RCVD_BAD_ACK),    /* s5 */
	ROW(SRCVD, DUP_ACK, RST, SRCVD, 0, DROPPED, SYN_RCVD_BAD_ACK),    /* s5: not > SND.UNA */
	ROW(SRCVD, NO_ACK, NONE, SRCVD, 0, DROPPED, NONE),                /* s5: ACK off: drop */
	ROW(SRCVD, FIN, ACK, CWAIT, 1, NONE, FIN_RECEIVED),               /* s5, s8 */
	ROW(SRCVD, BAD_CSUM, NONE, SRCVD, 0, CSUM, BAD_CHECKSUM),         /* 3.1 */

	/* ---- ESTABLISHED (3.10.7.4) ---- */
	ROW(ESTAB, DATA, DELACK, ESTAB, 4, NONE, NONE),                   /* s7 */
	ROW(ESTAB, OLD_DUP, ACK, ESTAB, 0, OOW, SEQ_UNACCEPTABLE),        /* s1 */
	ROW(ESTAB, BEYOND, ACK, ESTAB, 0, OOW, SEQ_UNACCEPTABLE),         /* s1 */
	ROW(ESTAB, ZWP, ACK, ESTAB, 0, NONE, NONE),                       /* s1: RCV.WND 0 */
	ROW(ESTAB, RST_EXACT, NONE, CLOSED, 0, RST_RX, RST_ACCEPTED),     /* s2 2) */
	ROW(ESTAB, RST_INWIN, CHAL, ESTAB, 0, RST_IGN, RST_CHALLENGE),    /* s2 3) */
	ROW(ESTAB, RST_OUTWIN, NONE, ESTAB, 0, RST_IGN, RST_OUT_OF_WINDOW), /* s2 1) */
	ROW(ESTAB, SYN_INWIN, CHAL, ESTAB, 0, NONE, SYN_CHALLENGE),       /* s4, RFC 5961 4.2 */
	ROW(ESTAB, SYN_OUTWIN, CHAL, ESTAB, 0, OOW, SYN_CHALLENGE),       /* RFC 5961 4.2 */
	ROW(ESTAB, ACK_UNSENT, CHAL, ESTAB, 0, DROPPED, ACK_UNSENT),      /* s5, RFC 5961 5.2 */
	ROW(ESTAB, ACK_OLD, CHAL, ESTAB, 0, DROPPED, ACK_CHALLENGE),      /* s5, RFC 5961 5.2 */
	ROW(ESTAB, DUP_ACK, NONE, ESTAB, 0, NONE, NONE),                  /* s5: ignored */
	ROW(ESTAB, NO_ACK, NONE, ESTAB, 0, DROPPED, NONE),                /* s5: ACK off: drop */
	ROW(ESTAB, FIN, ACK, CWAIT, 1, NONE, FIN_RECEIVED),               /* s8 */
	ROW(ESTAB, BAD_CSUM, NONE, ESTAB, 0, CSUM, BAD_CHECKSUM),         /* 3.1 */

	/* ---- FIN-WAIT-1: our FIN outstanding (3.10.7.4) ---- */
	ROW(FW1, DATA, DELACK, FW1, 4, NONE, NONE),                       /* s7 */
	ROW(FW1, OLD_DUP, ACK, FW1, 0, OOW, SEQ_UNACCEPTABLE),            /* s1 */
	ROW(FW1, BEYOND, ACK, FW1, 0, OOW, SEQ_UNACCEPTABLE),             /* s1 */
	ROW(FW1, ZWP, ACK, FW1, 0, NONE, NONE),                           /* s1: RCV.WND 0 */
	ROW(FW1, RST_EXACT, NONE, CLOSED, 0, RST_RX, RST_ACCEPTED),       /* s2 2) */
	ROW(FW1, RST_INWIN, CHAL, FW1, 0, RST_IGN, RST_CHALLENGE),        /* s2 3) */
	ROW(FW1, RST_OUTWIN, NONE, FW1, 0, RST_IGN, RST_OUT_OF_WINDOW),   /* s2 1) */
	ROW(FW1, SYN_INWIN, CHAL, FW1, 0, NONE, SYN_CHALLENGE),           /* s4, RFC 5961 4.2 */
	ROW(FW1, SYN_OUTWIN, CHAL, FW1, 0, OOW, SYN_CHALLENGE),           /* RFC 5961 4.2 */
	ROW(FW1, ACK_UNSENT, CHAL, FW1, 0, DROPPED, ACK_UNSENT),          /* s5, RFC 5961 5.2 */
	ROW(FW1, ACK_OLD, CHAL, FW1, 0, DROPPED, ACK_CHALLENGE),          /* s5, RFC 5961 5.2 */
	ROW(FW1, DUP_ACK, NONE, FW1, 0, NONE, NONE),                      /* s5: ignored */
	ROW(FW1, NO_ACK, NONE, FW1, 0, DROPPED, NONE),                    /* s5 */
	ROW(FW1, FIN, ACK, CLOSING, 1, NONE, FIN_SIMULTANEOUS),           /* s8: FIN not ACKed */
	ROW(FW1, BAD_CSUM, NONE, FW1, 0, CSUM, BAD_CHECKSUM),             /* 3.1 */

	/* ---- FIN-WAIT-2 (3.10.7.4) ---- */
	ROW(FW2, DATA, DELACK, FW2, 4, NONE, NONE),                       /* s7 */
	ROW(FW2, OLD_DUP, ACK, FW2, 0, OOW, SEQ_UNACCEPTABLE),            /* s1 */
	ROW(FW2, BEYOND, ACK, FW2, 0, OOW, SEQ_UNACCEPTABLE),             /* s1 */
	ROW(FW2, ZWP, ACK, FW2, 0, NONE, NONE),                           /* s1: RCV.WND 0 */
	ROW(FW2, RST_EXACT, NONE, CLOSED, 0, RST_RX, RST_ACCEPTED),       /* s2 2) */
	ROW(FW2, RST_INWIN, CHAL, FW2, 0, RST_IGN, RST_CHALLENGE),        /* s2 3) */
	ROW(FW2, RST_OUTWIN, NONE, FW2, 0, RST_IGN, RST_OUT_OF_WINDOW),   /* s2 1) */
	ROW(FW2, SYN_INWIN, CHAL, FW2, 0, NONE, SYN_CHALLENGE),           /* s4, RFC 5961 4.2 */
	ROW(FW2, SYN_OUTWIN, CHAL, FW2, 0, OOW, SYN_CHALLENGE),           /* RFC 5961 4.2 */
	ROW(FW2, ACK_UNSENT, CHAL, FW2, 0, DROPPED, ACK_UNSENT),          /* s5, RFC 5961 5.2 */
	ROW(FW2, ACK_OLD, CHAL, FW2, 0, DROPPED, ACK_CHALLENGE),          /* s5, RFC 5961 5.2 */
	ROW(FW2, DUP_ACK, NONE, FW2, 0, NONE, NONE),                      /* s5: ignored */
	ROW(FW2, NO_ACK, NONE, FW2, 0, DROPPED, NONE),                    /* s5 */
	ROW(FW2, FIN, ACK, TWAIT, 1, NONE, FIN_RECEIVED),                 /* s8 */
	ROW(FW2, BAD_CSUM, NONE, FW2, 0, CSUM, BAD_CHECKSUM),             /* 3.1 */

	/* ---- CLOSE-WAIT: the peer's FIN is in (3.10.7.4) ---- */
	ROW(CWAIT, DATA, NONE, CWAIT, 0, AFTER_FIN, DATA_AFTER_FIN),                     /* s7: ignore the text */
	ROW(CWAIT, OLD_DUP, ACK, CWAIT, 0, OOW, SEQ_UNACCEPTABLE),        /* s1 */
	ROW(CWAIT, BEYOND, ACK, CWAIT, 0, OOW, SEQ_UNACCEPTABLE),         /* s1 */
	ROW(CWAIT, RST_EXACT, NONE, CLOSED, 0, RST_RX, RST_ACCEPTED),     /* s2 2) */
	ROW(CWAIT, RST_INWIN, CHAL, CWAIT, 0, RST_IGN, RST_CHALLENGE),    /* s2 3) */
	ROW(CWAIT, RST_OUTWIN, NONE, CWAIT, 0, RST_IGN, RST_OUT_OF_WINDOW), /* s2 1) */
	ROW(CWAIT, SYN_INWIN, CHAL, CWAIT, 0, NONE, SYN_CHALLENGE),       /* s4, RFC 5961 4.2 */
	ROW(CWAIT, SYN_OUTWIN, CHAL, CWAIT, 0, OOW, SYN_CHALLENGE),       /* RFC 5961 4.2 */
	ROW(CWAIT, ACK_UNSENT, CHAL, CWAIT, 0, DROPPED, ACK_UNSENT),      /* s5, RFC 5961 5.2 */
	ROW(CWAIT, ACK_OLD, CHAL, CWAIT, 0, DROPPED, ACK_CHALLENGE),      /* s5, RFC 5961 5.2 */
	ROW(CWAIT, DUP_ACK, NONE, CWAIT, 0, NONE, NONE),                  /* s5: ignored */
	ROW(CWAIT, NO_ACK, NONE, CWAIT, 0, DROPPED, NONE),                /* s5 */
	ROW(CWAIT, FIN, ACK, CWAIT, 0, OOW, SEQ_UNACCEPTABLE),            /* s1: old FIN */
	ROW(CWAIT, BAD_CSUM, NONE, CWAIT, 0, CSUM, BAD_CHECKSUM),         /* 3.1 */

	/* ---- CLOSING: both FINs sent, ours not ACKed (3.10.7.4) ---- */
	ROW(CLOSING, DATA, NONE, CLOSING, 0, AFTER_FIN, DATA_AFTER_FIN),                 /* s7: ignore the text */
	ROW(CLOSING, OLD_DUP, ACK, CLOSING, 0, OOW, SEQ_UNACCEPTABLE),    /* s1 */
	ROW(CLOSING, BEYOND, ACK, CLOSING, 0, OOW, SEQ_UNACCEPTABLE),     /* s1 */
	ROW(CLOSING, RST_EXACT, NONE, CLOSED, 0, RST_RX, RST_ACCEPTED),   /* s2 2) */
	ROW(CLOSING, RST_INWIN, CHAL, CLOSING, 0, RST_IGN, RST_CHALLENGE),/* s2 3) */
	ROW(CLOSING, RST_OUTWIN, NONE, CLOSING, 0, RST_IGN, RST_OUT_OF_WINDOW), /* s2 1) */
	ROW(CLOSING, SYN_INWIN, CHAL, CLOSING, 0, NONE, SYN_CHALLENGE),   /* s4, RFC 5961 4.2 */
	ROW(CLOSING, SYN_OUTWIN, CHAL, CLOSING, 0, OOW, SYN_CHALLENGE),   /* RFC 5961 4.2 */
	ROW(CLOSING, ACK_UNSENT, CHAL, CLOSING, 0, DROPPED, ACK_UNSENT),  /* s5, RFC 5961 5.2 */
	ROW(CLOSING, ACK_OLD, CHAL, CLOSING, 0, DROPPED, ACK_CHALLENGE),  /* s5, RFC 5961 5.2 */
	ROW(CLOSING, DUP_ACK, NONE, CLOSING, 0, NONE, NONE),              /* s5: FIN not ACKed */
	ROW(CLOSING, NO_ACK, NONE, CLOSING, 0, DROPPED, NONE),            /* s5 */
	ROW(CLOSING, FIN, ACK, CLOSING, 0, OOW, SEQ_UNACCEPTABLE),        /* s1: old FIN */
	ROW(CLOSING, BAD_CSUM, NONE, CLOSING, 0, CSUM, BAD_CHECKSUM),     /* 3.1 */

	/* ---- LAST-ACK (3.10.7.4) ---- */
	ROW(LACK, DATA, NONE, LACK, 0, AFTER_FIN, DATA_AFTER_FIN),                       /* s7: ignore the text */
	ROW(LACK, OLD_DUP, ACK, LACK, 0, OOW, SEQ_UNACCEPTABLE),          /* s1 */
	ROW(LACK, BEYOND, ACK, LACK, 0, OOW, SEQ_UNACCEPTABLE),           /* s1 */
	ROW(LACK, RST_EXACT, NONE, CLOSED, 0, RST_RX, RST_ACCEPTED),      /* s2 2) */
	ROW(LACK, RST_INWIN, CHAL, LACK, 0, RST_IGN, RST_CHALLENGE),      /* s2 3) */
	ROW(LACK, RST_OUTWIN, NONE, LACK, 0, RST_IGN, RST_OUT_OF_WINDOW), /* s2 1) */
	ROW(LACK, SYN_INWIN, CHAL, LACK, 0, NONE, SYN_CHALLENGE),         /* s4, RFC 5961 4.2 */
	ROW(LACK, SYN_OUTWIN, CHAL, LACK, 0, OOW, SYN_CHALLENGE),         /* RFC 5961 4.2 */
	ROW(LACK, ACK_UNSENT, CHAL, LACK, 0, DROPPED, ACK_UNSENT),        /* s5, RFC 5961 5.2 */
	ROW(LACK, ACK_OLD, CHAL, LACK, 0, DROPPED, ACK_CHALLENGE),        /* s5, RFC 5961 5.2 */
	ROW(LACK, DUP_ACK, NONE, LACK, 0, NONE, NONE),                    /* s5: FIN not ACKed */
	ROW(LACK, NO_ACK, NONE, LACK, 0, DROPPED, NONE),                  /* s5 */
	ROW(LACK, FIN, ACK, LACK, 0, OOW, SEQ_UNACCEPTABLE),              /* s1: old FIN */
	ROW(LACK, BAD_CSUM, NONE, LACK, 0, CSUM, BAD_CHECKSUM),           /* 3.1 */

	/* ---- TIME-WAIT (3.10.7.4) ---- */
	ROW(TWAIT, DATA, NONE, TWAIT, 0, DROPPED, NONE),                  /* s5, s7: ignored */
	ROW(TWAIT, OLD_DUP, ACK, TWAIT, 0, OOW, SEQ_UNACCEPTABLE),        /* s1 */
	ROW(TWAIT, BEYOND, ACK, TWAIT, 0, OOW, SEQ_UNACCEPTABLE),         /* s1 */
	/* s2 says CLOSED; tcpviz follows RFC 1337's fix F1 (TIME-WAIT
	 * assassination) and ignores every RST here, by design. */
	ROW(TWAIT, RST_EXACT, NONE, TWAIT, 0, RST_IGN, TIME_WAIT_RST),
	ROW(TWAIT, RST_INWIN, NONE, TWAIT, 0, RST_IGN, TIME_WAIT_RST),    /* RFC 1337 F1 */
	ROW(TWAIT, RST_OUTWIN, NONE, TWAIT, 0, RST_IGN, TIME_WAIT_RST),   /* s2 1) */
	ROW(TWAIT, SYN_INWIN, CHAL, TWAIT, 0, NONE, TIME_WAIT_SYN),       /* s4, RFC 5961 4.2 */
	ROW(TWAIT, SYN_OUTWIN, CHAL, TWAIT, 0, NONE, TIME_WAIT_SYN),      /* RFC 5961 4.2 */
	ROW(TWAIT, ACK_UNSENT, CHAL, TWAIT, 0, DROPPED, ACK_UNSENT),      /* s5, RFC 5961 5.2 */
	ROW(TWAIT, ACK_OLD, CHAL, TWAIT, 0, DROPPED, ACK_CHALLENGE),      /* s5, RFC 5961 5.2 */
	ROW(TWAIT, DUP_ACK, NONE, TWAIT, 0, DROPPED, NONE),               /* s5: not the FIN */
	ROW(TWAIT, NO_ACK, NONE, TWAIT, 0, DROPPED, NONE),                /* s5 */
	ROW(TWAIT, FIN, ACK, TWAIT, 0, NONE, TIME_WAIT_FIN),              /* s5: re-ACK, 2MSL */
	ROW(TWAIT, BAD_CSUM, NONE, TWAIT, 0, CSUM, BAD_CHECKSUM),         /* 3.1 */
};

/* ---- running a row ------------------------------------------------------ */

#define MX_RCVBUF 4096      /* A's receive buffer in the zero-window rows */
#define MX_PEER_SEQ 7000u   /* the peer's sequence number where there is no RCV.NXT */
#define MX_PEER_ACK 9000u   /* and its acknowledgment where there is no TCB */
#define MX_NOBODY 9999      /* a port nobody listens on */

static struct fx_pair P;
static bool P_live;

/* The row being run and what the receiver looked like before it. */
static struct mx_ctx {
	const struct mx_row *r;
	char where[96];
	struct tcb *t;          /* the receiver's TCB; NULL in CLOSED */
	unsigned side;          /* the receiving host */
	uint32_t nxt, wnd;      /* RCV.NXT (or MX_PEER_SEQ), RCV.WND */
	uint32_t una, snd_nxt, iss, maxwnd;
	uint32_t ack;           /* the acceptable ACK that acknowledges nothing new */
	uint32_t fin;           /* sequence number of the peer's FIN */
	uint16_t win;           /* window field that leaves SND.WND as it is */
	struct fx_spec seg;
	uint8_t payload[4];
	size_t ev0, log0;
	uint64_t cnt0[TV_CNT_COUNT];
} C;

static void teardown(void)
{
	if (P_live)
		fx_pair_fini(&P);
	P_live = false;
}

static void tune_a_small_rcvbuf(struct host_config *cfg, unsigned side)
{
	if (side == FXT_A)
		cfg->tcp.rcvbuf = MX_RCVBUF;
}

/* ESTABLISHED, FIN-WAIT-1 or FIN-WAIT-2 with A's receive window closed:
 * B fills A's buffer, A does not read, the last ACK carries window 0. */
static struct tcb *mx_reach_zero_window(enum tcb_state st)
{
	static uint8_t fill[MX_RCVBUF];

	P.app_a.auto_read = false;
	fx_establish(&P);
	struct tcb *a = fx_tcb(P.sa);
	ck_assert_int_eq(sock_send(P.sb, fill, sizeof(fill), P.now), (long)sizeof(fill));
	fx_run(&P, P.now + TV_SEC(1));
	ck_assert_uint_eq(sock_readable(P.sa), MX_RCVBUF);
	ck_assert_uint_eq(tcp_rcv_space(a), 0);
	ck_assert_uint_eq(a->rcv_adv, a->rcv_nxt); /* window 0 advertised */
	if (st != TCB_ESTABLISHED)
		ck_assert_int_eq(sock_shutdown(P.sa, P.now), TV_OK);
	if (st == TCB_FIN_WAIT_2)
		fx_deliver_all(&P);
	ck_assert_int_eq(a->state, st);
	return a;
}

/* RCV.WND as the receiver holds it: what it advertised, or more if it has
 * made room since (it never shrinks, 3.10.7.4 s7). */
static uint32_t mx_rcv_wnd(const struct tcb *t)
{
	uint32_t space = tcp_rcv_space(t);
	uint32_t adv = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;

	return space > adv ? space : adv;
}

static void mx_refs_from_tcb(struct tcb *t)
{
	C.nxt = t->rcv_nxt;
	C.wnd = mx_rcv_wnd(t);
	C.una = t->snd_una;
	C.snd_nxt = t->snd_nxt;
	C.iss = t->iss;
	C.maxwnd = t->max_sndwnd;
	C.ack = t->snd_una == t->iss ? t->iss + 1 : t->snd_una;
	C.fin = t->rcv_fin ? t->rcv_nxt - 1 : t->rcv_nxt;
	C.win = (uint16_t)(t->snd_wnd >> (t->ws_ok ? t->snd_wscale : 0));
	fx_spec_peer(&C.seg, t);
}

/* No RCV.NXT (CLOSED, LISTEN, SYN-SENT): the peer's numbers are made up;
 * SND.UNA is ISS in SYN-SENT and, without a TCB, MX_PEER_ACK like the
 * rest. */
static void mx_refs_peer(uint32_t iss, uint32_t una)
{
	C.nxt = C.fin = MX_PEER_SEQ;
	C.wnd = 0;
	C.iss = iss;
	C.una = una;
	C.snd_nxt = C.ack = iss + 1;
	C.maxwnd = 0;
	C.win = 65535;
}

/* Bring the receiver into the row's state; the frames in flight go. */
static void mx_reach(const struct mx_row *r)
{
	enum tcb_state st = (enum tcb_state)r->state;

	fx_pair_init(&P, r->kind == K_ZWP ? tune_a_small_rcvbuf : NULL);
	P_live = true;
	/* Nobody reads: reading would send window updates of its own, and
	 * the rows are about what the arrival itself draws. */
	P.app_a.auto_read = P.app_b.auto_read = false;
	C.t = NULL;
	if (r->kind == K_ZWP)
		C.t = mx_reach_zero_window(st);
	else if (st != TCB_CLOSED)
		C.t = fx_tcb_in_state(&P, st);
	fx_q_clear(&P);
	C.side = C.t != NULL && C.t->h == P.h[0] ? FXT_A : FXT_B;
	memset(&C.seg, 0, sizeof(C.seg));
	if (st == TCB_CLOSED || st == TCB_LISTEN) {
		mx_refs_peer(MX_PEER_ACK - 1, MX_PEER_ACK);
		C.seg.saddr = FXT_ADDR(1);
		C.seg.daddr = FXT_ADDR(2);
		C.seg.sport = 40000;
		C.seg.dport = st == TCB_LISTEN ? FXT_PORT : MX_NOBODY;
	} else if (st == TCB_SYN_SENT) {
		mx_refs_peer(C.t->iss, C.t->iss);
		fx_spec_peer(&C.seg, C.t);
	} else {
		mx_refs_from_tcb(C.t);
	}
}

static void mx_seg_set(uint32_t seq, uint8_t flags, uint32_t ack, size_t len)
{
	C.seg.seq = seq;
	C.seg.flags = flags;
	C.seg.ack = (flags & TV_TH_ACK) ? ack : 0;
	C.seg.len = len;
	C.seg.data = len > 0 ? C.payload : NULL;
	C.seg.win = C.win;
}

/* The segment of the row's kind, from the receiver's variables. */
static void mx_build(enum mx_kind k)
{
	const uint8_t ak = TV_TH_ACK;

	memcpy(C.payload, "data", 4);
	switch (k) {
	case K_DATA: mx_seg_set(C.nxt, ak, C.ack, 4); break;
	case K_OLD_DUP: mx_seg_set(C.nxt - 4, ak, C.ack, 4); break;
	case K_BEYOND: mx_seg_set(C.nxt + C.wnd, ak, C.ack, 4); break;
	case K_ZWP: mx_seg_set(C.nxt, ak, C.ack, 1); break;
	case K_RST_EXACT: mx_seg_set(C.nxt, TV_TH_RST, 0, 0); break;
	case K_RST_INWIN: mx_seg_set(C.nxt + 1, TV_TH_RST, 0, 0); break;
	case K_RST_OUTWIN: mx_seg_set(C.nxt + C.wnd, TV_TH_RST, 0, 0); break;
	case K_SYN_INWIN: mx_seg_set(C.nxt, TV_TH_SYN, 0, 0); break;
	case K_SYN_OUTWIN: mx_seg_set(C.nxt + C.wnd + 1000, TV_TH_SYN, 0, 0); break;
	case K_SYNACK: mx_seg_set(C.nxt, TV_TH_SYN | ak, C.iss + 1, 0); break;
	case K_ACK_UNSENT: mx_seg_set(C.nxt, ak, C.snd_nxt + 1, 0); break;
	case K_ACK_OLD: mx_seg_set(C.nxt, ak, C.una - C.maxwnd - 1, 0); break;
	case K_DUP_ACK: mx_seg_set(C.nxt, ak, C.una, 0); break;
	case K_NO_ACK: mx_seg_set(C.nxt, 0, 0, 4); break;
	case K_FIN: mx_seg_set(C.fin, TV_TH_FIN | ak, C.ack, 0); break;
	case K_BAD_CSUM: mx_seg_set(C.nxt, ak, C.ack, 4); C.seg.bad_csum = true; break;
	case K_SS_SYNACK_BAD: mx_seg_set(C.nxt, TV_TH_SYN | ak, C.iss, 0); break;
	case K_SS_RST_ACK: mx_seg_set(C.nxt, TV_TH_RST | ak, C.iss + 1, 0); break;
	case K_SS_RST_BADACK: mx_seg_set(C.nxt, TV_TH_RST | ak, C.iss, 0); break;
	case K_SS_RST_NOACK: mx_seg_set(C.nxt, TV_TH_RST, 0, 0); break;
	case K_SR_DUP_SYN: mx_seg_set(C.nxt - 1, TV_TH_SYN, 0, 0); break;
	default: ck_abort_msg("%s: no such kind", C.where);
	}
}

static void mx_eq(uint64_t got, uint64_t want, const char *what)
{
	ck_assert_msg(got == want, "%s: %s is %llu, expected %llu", C.where, what,
		      (unsigned long long)got, (unsigned long long)want);
}

/* The frames the receiver sent since the injection. */
static size_t mx_sent(const struct fx_frame **last)
{
	size_t n = 0;

	for (size_t i = C.log0; i < P.nlog; i++)
		if (P.log[i].tcp && P.log[i].from == C.side) {
			*last = &P.log[i];
			n++;
		}
	return n;
}

/* The state the connection ended in: the last state event of the
 * receiving host, else where it started. */
static enum tcb_state mx_final_state(void)
{
	enum tcb_state st = (enum tcb_state)C.r->state;

	for (size_t i = C.ev0; i < P.nev; i++)
		if (P.ev[i].type == TV_EV_STATE && P.ev[i].host == C.side + 1)
			st = (enum tcb_state)P.ev[i].u.state.new_state;
	return st;
}

/* Is C.t still a live connection we may look at? */
static bool mx_tcb_alive(void)
{
	if (C.t == NULL || C.r->state == TCB_LISTEN)
		return false;
	enum tcb_state st = mx_final_state();
	return st != TCB_CLOSED && st != TCB_LISTEN;
}

/* The ISS of whoever answers a SYN: the receiver, or the child a
 * listener just made. */
static uint32_t mx_synack_iss(void)
{
	if (C.r->state != TCB_LISTEN)
		return C.iss;
	struct tv_tuple tu = {C.seg.daddr, C.seg.saddr, C.seg.dport, C.seg.sport};
	struct tcb *c = tcp_lookup(P.h[C.side]->tcp, &tu);
	ck_assert_msg(c != NULL, "%s: no connection made", C.where);
	mx_eq(c->irs, C.seg.seq, "the new connection's IRS");
	return c->iss;
}

static void mx_check_ack(const struct fx_frame *f)
{
	mx_eq(f->i.flags, TV_TH_ACK, "the reply's flags");
	mx_eq(f->i.seq, C.snd_nxt, "the ACK's SEQ (SND.NXT)");
	mx_eq(f->i.ack, C.nxt + C.r->adv, "the ACK's ACK (RCV.NXT)");
	if (C.r->kind == K_ZWP)
		mx_eq(f->i.win, 0, "the window it advertises");
}

static void mx_check_reply(void)
{
	const struct fx_frame *f = NULL;
	size_t n = mx_sent(&f);
	uint32_t seglen = (uint32_t)C.seg.len + !!(C.seg.flags & TV_TH_SYN) +
			  !!(C.seg.flags & TV_TH_FIN);

	mx_eq(n, C.r->reply == R_NONE || C.r->reply == R_DELACK ? 0 : 1, "segments sent");
	switch (C.r->reply) {
	case R_NONE:
		if (mx_tcb_alive())
			mx_eq(C.t->timer[TCB_T_DELACK], TV_NEVER, "the delayed-ACK deadline");
		break;
	case R_ACK:
	case R_CHAL:
		mx_check_ack(f);
		break;
	case R_DELACK:
		ck_assert_msg(mx_tcb_alive(), "%s: connection gone", C.where);
		mx_eq(C.t->timer[TCB_T_DELACK], P.now + P.h[C.side]->cfg.tcp.delack_timeout,
		      "the delayed-ACK deadline");
		break;
	case R_RST:
		mx_eq(f->i.flags, TV_TH_RST, "the reply's flags");
		mx_eq(f->i.seq, C.seg.ack, "the RST's SEQ (SEG.ACK)");
		mx_eq(f->i.ack, 0, "the RST's ACK field");
		break;
	case R_RSTACK:
		mx_eq(f->i.flags, TV_TH_RST | TV_TH_ACK, "the reply's flags");
		mx_eq(f->i.seq, 0, "the RST's SEQ");
		mx_eq(f->i.ack, C.seg.seq + seglen, "the RST's ACK (SEG.SEQ+SEG.LEN)");
		break;
	case R_SYNACK:
		mx_eq(f->i.flags, TV_TH_SYN | TV_TH_ACK, "the reply's flags");
		mx_eq(f->i.seq, mx_synack_iss(), "the SYN,ACK's SEQ (ISS)");
		mx_eq(f->i.ack, C.seg.seq + 1, "the SYN,ACK's ACK (SEG.SEQ+1)");
		break;
	default:
		break;
	}
}

static void mx_check_state(void)
{
	enum tcb_state st = mx_final_state();

	ck_assert_msg(st == C.r->after, "%s: ends in %s, expected %s", C.where,
		      tcb_state_name(st), tcb_state_name((enum tcb_state)C.r->after));
	if (C.r->state == TCB_LISTEN)
		mx_eq(C.t->state, TCB_LISTEN, "the listener's state");
	if (!mx_tcb_alive())
		return;
	mx_eq(C.t->state, C.r->after, "the TCB's state");
	if (C.t->have_irs)
		mx_eq(C.t->rcv_nxt, C.nxt + C.r->adv, "RCV.NXT");
}

/* Every verdict counter moves exactly as the row says, no other does. */
static void mx_check_counters(void)
{
	static const enum tv_counter watch[] = {
		TV_CNT_TCP_BAD_CSUM, TV_CNT_TCP_NO_SOCKET, TV_CNT_TCP_OUT_OF_WINDOW,
		TV_CNT_TCP_RST_RX, TV_CNT_TCP_RST_IGNORED, TV_CNT_TCP_CHALLENGE_ACK,
		TV_CNT_TCP_CHALLENGE_LIMIT, TV_CNT_TCP_DROPPED, TV_CNT_TCP_RST_SENT,
		TV_CNT_TCP_BACKLOG_FULL, TV_CNT_TCP_BAD_ADDR, TV_CNT_TCP_DUP_DATA,
		TV_CNT_TCP_DISCARD, TV_CNT_TCP_DATA_AFTER_FIN,
	};
	const uint64_t *now = P.h[C.side]->counters;

	for (size_t i = 0; i < TV_ARRAY_LEN(watch); i++) {
		enum tv_counter c = watch[i];
		uint64_t want = c == C.r->counter;
		if (c == TV_CNT_TCP_CHALLENGE_ACK)
			want += C.r->reply == R_CHAL;
		if (c == TV_CNT_TCP_RST_SENT)
			want += C.r->reply == R_RST || C.r->reply == R_RSTACK;
		if (c == TV_CNT_TCP_DUP_DATA)
			want = C.r->kind == K_OLD_DUP ? 4 : 0;
		mx_eq(now[c] - C.cnt0[c], want, tv_counter_name(c));
	}
}

/* Some event of the receiving host names the row's rule. */
static void mx_check_rule(void)
{
	if (C.r->rule == TV_RULE_NONE)
		return;
	for (size_t i = C.ev0; i < P.nev; i++) {
		const struct tv_event *e = &P.ev[i];
		if (e->host == C.side + 1 && e->rule == C.r->rule &&
		    (e->type == TV_EV_STATE || e->type == TV_EV_DROP || e->type == TV_EV_SEG_OUT))
			return;
	}
	ck_abort_msg("%s: no event names rule %s", C.where,
		     tv_rule_id((enum tv_rule)C.r->rule));
}

START_TEST(test_segment_arrival)
{
	const struct mx_row *r = &mx_table[_i];

	C.r = r;
	snprintf(C.where, sizeof(C.where), "row %d: %s x %s -> %s", _i,
		 tcb_state_name((enum tcb_state)r->state), mx_kind_names[r->kind],
		 mx_reply_names[r->reply]);
	mx_reach(r);
	mx_build((enum mx_kind)r->kind);
	C.ev0 = P.nev;
	C.log0 = P.nlog;
	memcpy(C.cnt0, P.h[C.side]->counters, sizeof(C.cnt0));
	fx_inject(&P, C.side, &C.seg);
	mx_check_reply();
	mx_check_state();
	mx_check_counters();
	mx_check_rule();
}
END_TEST

/* ---- the table itself ---------------------------------------------------- */

/* Which kinds each state must have a row for: the general ones for every
 * state of 3.10.7.4 (the zero-window probe only where the peer can still
 * send: a FIN needs window space, so after the peer's FIN our window
 * cannot have been closed by it), and the ones that make sense without a
 * receive window for CLOSED, LISTEN and SYN-SENT. */
static bool mx_required(enum tcb_state st, enum mx_kind k)
{
	static const uint8_t notcb[] = {K_DATA, K_RST_EXACT, K_SYN_INWIN, K_SYNACK,
					K_DUP_ACK, K_NO_ACK, K_FIN, K_BAD_CSUM};
	static const uint8_t ssent[] = {K_SYNACK, K_SYN_INWIN, K_SS_SYNACK_BAD, K_ACK_UNSENT,
					K_DUP_ACK, K_SS_RST_ACK, K_SS_RST_BADACK,
					K_SS_RST_NOACK, K_DATA, K_NO_ACK, K_FIN, K_BAD_CSUM};
	const uint8_t *set = st == TCB_SYN_SENT ? ssent : notcb;
	size_t n = st == TCB_SYN_SENT ? TV_ARRAY_LEN(ssent) : TV_ARRAY_LEN(notcb);

	if (st >= TCB_SYN_RECEIVED) {
		if (k == K_ZWP)
			return st == TCB_ESTABLISHED || st == TCB_FIN_WAIT_1 ||
			       st == TCB_FIN_WAIT_2;
		return k <= K_BAD_CSUM && k != K_SYNACK;
	}
	for (size_t i = 0; i < n; i++)
		if (set[i] == k)
			return true;
	return false;
}

/* Every required cell has exactly one row; no row repeats a cell. */
START_TEST(test_table_covers_every_state_and_kind)
{
	unsigned seen[TCB_STATE_COUNT][K_COUNT] = {{0}};

	for (size_t i = 0; i < TV_ARRAY_LEN(mx_table); i++)
		seen[mx_table[i].state][mx_table[i].kind]++;
	for (int st = 0; st < TCB_STATE_COUNT; st++)
		for (int k = 0; k < K_COUNT; k++) {
			ck_assert_msg(seen[st][k] <= 1, "%s x %s: %u rows",
				      tcb_state_name((enum tcb_state)st), mx_kind_names[k],
				      seen[st][k]);
			if (mx_required((enum tcb_state)st, (enum mx_kind)k))
				ck_assert_msg(seen[st][k] == 1, "%s x %s: no row",
					      tcb_state_name((enum tcb_state)st),
					      mx_kind_names[k]);
		}
}
END_TEST

/* ---- the rate limit --------------------------------------------------------- */

/* RFC 5961 7: the limit (challenge_acks_per_sec, 10) is the host's, not a
 * connection's or a kind's: RSTs, SYNs and bad ACKs on two connections
 * share it; the eleventh is suppressed and counted; a second later the
 * budget is back. */
START_TEST(test_challenge_ack_limit_shared_across_kinds)
{
	fx_pair_init(&P, NULL);
	P_live = true;
	fx_establish(&P);
	struct tv_sock *s2;
	struct fx_app app = {.p = &P};
	ck_assert_int_eq(sock_connect(P.h[0], FXT_ADDR(2), FXT_PORT, 0, fx_app_cb, &app, &s2,
				      P.now), TV_OK);
	fx_deliver_all(&P);
	struct tcb *t[2] = {fx_tcb(P.sa), fx_tcb(s2)};
	ck_assert_int_eq(t[1]->state, TCB_ESTABLISHED);
	ck_assert_uint_eq(P.h[0]->cfg.tcp.challenge_acks_per_sec, 10);
	for (int i = 0; i < 12; i++) {
		struct tcb *c = t[i % 2];
		if (i % 3 == 0)
			fx_inject_to(&P, c, c->rcv_nxt + 1, 0, TV_TH_RST, NULL, 0);
		else if (i % 3 == 1)
			fx_inject_to(&P, c, c->rcv_nxt, 0, TV_TH_SYN, NULL, 0);
		else
			fx_inject_to(&P, c, c->rcv_nxt, c->snd_nxt + 1, TV_TH_ACK, NULL, 0);
	}
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_CHALLENGE_ACK), 10);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_CHALLENGE_LIMIT), 2);
	ck_assert_int_eq(fx_q_find(&P, FXT_B, 0, 0), -1);
	ck_assert_uint_eq(P.nq, 10);
	ck_assert_int_eq(t[0]->state, TCB_ESTABLISHED);
	ck_assert_int_eq(t[1]->state, TCB_ESTABLISHED);
	fx_q_clear(&P);
	fx_set_time(&P, P.now + TV_SEC(1));
	fx_inject_to(&P, t[1], t[1]->rcv_nxt, 0, TV_TH_SYN, NULL, 0);
	ck_assert_uint_eq(P.nq, 1);
	ck_assert_uint_eq(fx_counter(&P, FXT_A, TV_CNT_TCP_CHALLENGE_ACK), 11);
	sock_abort(s2, P.now);
}
END_TEST

static Suite *matrix_suite(void)
{
	Suite *s = suite_create("tcp_matrix");
	TCase *tc = tcase_create("segment_arrives");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_segment_arrival, 0, (int)TV_ARRAY_LEN(mx_table));
	tcase_add_test(tc, test_table_covers_every_state_and_kind);
	tcase_add_test(tc, test_challenge_ack_limit_shared_across_kinds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(matrix_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
