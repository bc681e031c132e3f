/*
 * rule.h - the protocol rules that cause state changes and other events.
 * Each has a stable id, the section it comes from, and an untranslated
 * English sentence; front ends translate the sentence and may show a
 * longer explanation keyed by the id.  Add rules here as code needs them.
 */
#ifndef TV_RULE_H
#define TV_RULE_H

#define TV_RULES(X)                                                                                  \
	X(NONE, "", "")                                                                              \
	X(APP_LISTEN, "RFC 9293 3.10.1", "passive OPEN: the application listens")                   \
	X(APP_CONNECT, "RFC 9293 3.10.1", "active OPEN: send SYN")                                  \
	X(APP_CLOSE, "RFC 9293 3.10.4", "CLOSE: the application has no more data; send FIN")        \
	X(APP_CLOSE_LISTEN, "RFC 9293 3.10.4", "CLOSE of a listening or unsynchronized TCB")        \
	X(APP_ABORT, "RFC 9293 3.10.5", "ABORT: send RST and delete the TCB")                        \
	X(LISTEN_SYN, "RFC 9293 3.10.7.2", "SYN in LISTEN: send SYN,ACK")                            \
	X(LISTEN_RST, "RFC 9293 3.10.7.2", "RST in LISTEN is ignored")                               \
	X(LISTEN_ACK, "RFC 9293 3.10.7.2", "ACK in LISTEN: answer with RST")                         \
	X(CLOSED_RST, "RFC 9293 3.10.7.1", "segment for no connection: answer with RST")            \
	X(SYN_SENT_BAD_ACK, "RFC 9293 3.10.7.3", "unacceptable ACK in SYN-SENT: send RST")          \
	X(SYN_SENT_RST, "RFC 9293 3.10.7.3", "RST with acceptable ACK in SYN-SENT: connection refused") \
	X(SYN_SENT_RST_IGNORED, "RFC 9293 3.10.7.3", "RST without an acceptable ACK in SYN-SENT is ignored") \
	X(SYN_SENT_SYNACK, "RFC 9293 3.10.7.3", "SYN,ACK acknowledging our SYN: connection established") \
	X(SYN_SENT_SYN, "RFC 9293 3.10.7.3", "SYN without ACK in SYN-SENT: simultaneous open")       \
	X(SYN_RCVD_ACK, "RFC 9293 3.10.7.4", "ACK of our SYN in SYN-RECEIVED: connection established") \
	X(SYN_RCVD_BAD_ACK, "RFC 9293 3.10.7.4", "unacceptable ACK in SYN-RECEIVED: send RST")      \
	X(SYN_RCVD_RST_PASSIVE, "RFC 9293 3.10.7.4", "RST in SYN-RECEIVED from a passive open: back to LISTEN") \
	X(SYN_RCVD_RST_ACTIVE, "RFC 9293 3.10.7.4", "RST in SYN-RECEIVED from an active open: connection refused") \
	X(SEQ_UNACCEPTABLE, "RFC 9293 3.10.7.4", "segment outside the receive window: send ACK and drop") \
	X(RST_ACCEPTED, "RFC 5961 3.2", "RST with the exact expected sequence number: connection reset") \
	X(RST_CHALLENGE, "RFC 5961 3.2", "RST in window but not exact: send a challenge ACK")       \
	X(RST_OUT_OF_WINDOW, "RFC 5961 3.2", "RST outside the window is dropped")                   \
	X(SYN_CHALLENGE, "RFC 5961 4.2", "SYN in a synchronized state: send a challenge ACK")       \
	X(ACK_CHALLENGE, "RFC 5961 5.2", "ACK outside the acceptable range: send a challenge ACK")  \
	X(ACK_UNSENT, "RFC 9293 3.10.7.4", "ACK of data not yet sent: send ACK and drop")            \
	X(FIN_RECEIVED, "RFC 9293 3.10.7.4", "FIN received: the peer will send no more data")       \
	X(FIN_ACKED, "RFC 9293 3.10.7.4", "our FIN was acknowledged")                               \
	X(FIN_SIMULTANEOUS, "RFC 9293 3.10.7.4", "FIN received before our FIN was acknowledged: simultaneous close") \
	X(TIME_WAIT_FIN, "RFC 9293 3.10.7.4", "FIN retransmitted in TIME-WAIT: ACK it again and restart 2MSL") \
	X(TIME_WAIT_RST, "RFC 1337", "RST in TIME-WAIT is ignored (TIME-WAIT assassination hazards)") \
	X(TIME_WAIT_EXPIRED, "RFC 9293 3.10.8", "2MSL elapsed in TIME-WAIT: delete the TCB")        \
	X(REXMIT_TIMEOUT, "RFC 6298 5.5", "retransmission timeout: resend and back off")            \
	X(REXMIT_GIVE_UP, "RFC 1122 4.2.3.5", "too many retransmissions: connection timed out")     \
	X(KEEPALIVE_PROBE, "RFC 1122 4.2.3.6", "idle too long: send a keepalive probe")             \
	X(KEEPALIVE_DEAD, "RFC 1122 4.2.3.6", "no answer to keepalive probes: connection timed out") \
	X(PERSIST_PROBE, "RFC 9293 3.8.6.1", "zero window: send a window probe")                    \
	X(SLOW_START, "RFC 5681 3.1", "slow start: cwnd grows by one segment per ACK")              \
	X(CONG_AVOID, "RFC 5681 3.1", "congestion avoidance: cwnd grows by one segment per RTT")    \
	X(FAST_RETRANSMIT, "RFC 6582 3.2", "three duplicate ACKs: fast retransmit, enter fast recovery") \
	X(FAST_RECOVERY_PARTIAL, "RFC 6582 3.2", "partial ACK in fast recovery: retransmit the next hole") \
	X(FAST_RECOVERY_EXIT, "RFC 6582 3.2", "full ACK: leave fast recovery")                     \
	X(RTO_LOSS, "RFC 5681 3.1", "retransmission timeout: cwnd back to one segment")             \
	X(BACKLOG_FULL, "RFC 9293 3.10.7.2", "listen backlog full: SYN dropped")                   \
	X(SYN_EVICTED, "RFC 4987 3.4", "listen backlog full: the oldest half-open connection makes room for a new SYN") \
	X(BAD_CHECKSUM, "RFC 9293 3.1", "bad checksum: segment dropped")                            \
	X(BAD_HEADER, "RFC 9293 3.1", "malformed TCP header: segment dropped")                      \
	X(BAD_OPTION, "RFC 9293 3.1", "malformed TCP option (bad length): segment dropped")         \
	X(BAD_ADDRESS, "RFC 1122 4.2.3.10", "SYN from a broadcast or multicast address is dropped") \
	X(CLOSED_RST_DROP, "RFC 9293 3.10.7.1", "RST for no connection is discarded")               \
	X(CONN_LIMIT, "RFC 9293 3.10.7.2", "connection table full: SYN dropped")                   \
	X(APP_SEND_LISTEN, "RFC 9293 3.10.2", "SEND on a listening TCB: become active, send SYN")   \
	X(SYN_RCVD_DUP_SYN, "RFC 9293 3.10.7.4", "SYN repeated in SYN-RECEIVED: our SYN,ACK was lost; send it again") \
	X(SYN_RCVD_SYN_PASSIVE, "RFC 9293 3.10.7.4", "new SYN in SYN-RECEIVED from a passive open: back to LISTEN") \
	X(FIN_ACKED_AND_FIN, "RFC 9293 3.10.7.4", "FIN received and our FIN acknowledged: TIME-WAIT") \
	X(CLOSE_UNREAD, "RFC 1122 4.2.2.13", "CLOSE with unread received data: send RST")           \
	X(DATA_AFTER_CLOSE, "RFC 9293 3.10.7.4", "data after the application closed: acknowledged and discarded") \
	X(DATA_AFTER_FIN, "RFC 9293 3.10.7.4", "data beyond the peer's FIN cannot be valid: ignored") \
	X(LISTENER_CLOSED, "RFC 9293 3.10.4", "listener closed: its unaccepted connection is reset") \
	X(FIN_WAIT_2_TIMEOUT, "RFC 9293 3.6", "orphaned FIN-WAIT-2 past the fin_wait_2 limit: delete the TCB") \
	X(TIME_WAIT_SYN, "RFC 9293 3.10.7.4", "SYN for a TIME-WAIT connection: challenge ACK, SYN dropped") \
	X(DELAYED_ACK, "RFC 1122 4.2.3.2", "delayed-ACK timer expired: send the ACK")               \
	X(CWND_INIT, "RFC 5681 3.1", "initial window: two to four segments")                        \
	X(FAST_RECOVERY_INFLATE, "RFC 6582 3.2", "duplicate ACK in fast recovery: inflate cwnd by one segment") \
	X(OOO_FULL, "RFC 9293 3.10.7.4", "out-of-order queue full: segment dropped")                \
	X(WINDOW_UPDATE, "RFC 9293 3.8.6.2.2", "receive window opened: send a window update")      \
	X(KEEPALIVE_ALIVE, "RFC 1122 4.2.3.6", "keepalive probe answered: the peer is alive") \
	X(APP_ABORT_UNSYNC, "RFC 9293 3.10.5", "ABORT before the connection is synchronized: delete the TCB, no RST") \
	X(APP_ABORT_CLOSING, "RFC 9293 3.10.5", "ABORT after both sides sent FIN: delete the TCB, no RST")

enum tv_rule {
#define TV_RULE_ENUM(id, ref, text) TV_RULE_##id,
	TV_RULES(TV_RULE_ENUM)
#undef TV_RULE_ENUM
	TV_RULE_COUNT
};

/* Stable id ("SYN_SENT_SYNACK"), reference ("RFC 9293 3.10.7.3") and
 * untranslated sentence. */
const char *tv_rule_id(enum tv_rule r);
const char *tv_rule_ref(enum tv_rule r);
const char *tv_rule_text(enum tv_rule r);

#endif
