/*
 * explain_text.c - the long texts of the explanation panel: the "why"
 * cards and the explanation of every protocol rule (rule.h), in English,
 * marked for translation (N_); explain.c translates them when they are
 * shown.  What they teach follows the project's notes (the three-way
 * handshake and what each segment proves, the old duplicate SYN, the
 * half-close, TIME-WAIT's two reasons, keepalive: 2 hours, 75 seconds,
 * 10 probes) and the RFCs each rule cites.
 *
 * Card bodies are paragraphs separated by "\n\n"; the view wraps them.
 */
#include "config.h"

#include <stddef.h>

#include "i18n.h"
#include "tui/explain.h"
#include "tui/explain_int.h"

const struct explain_card_text explain_cards[EXPLAIN_CARD_COUNT] = {
	[EXPLAIN_CARD_SEQ_CONSUME] = {
		N_("Why SYN and FIN use up a sequence number"),
		N_("Every byte of data has a sequence number, and an acknowledgment says \"I have "
		   "everything before this number\". SYN and FIN carry no data, yet they must be "
		   "acknowledged too: if one is lost, its sender has to notice and send it again. "
		   "So each counts as one byte of sequence space: a SYN with seq=x is acknowledged "
		   "by ack=x+1, a FIN with seq=u by ack=u+1.\n\n"
		   "A bare ACK (no data, no SYN, no FIN) uses no sequence number. Nobody "
		   "acknowledges an ACK, or the two sides would acknowledge each other's "
		   "acknowledgments forever, so it needs no place in the sequence space: the next "
		   "segment carries the same seq. That is why the handshake's third segment and the "
		   "first data after it have the same seq.\n\n"
		   "This is also why a SYN or a FIN is retransmitted like data when its ACK does not "
		   "come (RFC 9293 3.4), while a lost bare ACK is simply made good by the next one."),
	},
	[EXPLAIN_CARD_THREE_WAY] = {
		N_("Why three segments to open, not two"),
		N_("Each side picks its own initial sequence number (ISN) and must learn that the "
		   "other side received it. The SYN carries A's ISN x; the SYN,ACK acknowledges it "
		   "(ack=x+1) and carries B's ISN y; the last ACK acknowledges y (ack=y+1). Two "
		   "numbers, each confirmed once, and the SYN,ACK does two jobs: three segments.\n\n"
		   "Why not two? An old duplicate SYN, from an earlier attempt that was stuck in the "
		   "network, may reach B long after A gave up. B cannot tell it from a new one, so "
		   "it answers SYN,ACK. With a two-way handshake B would now be ESTABLISHED for a "
		   "connection nobody asked for, holding memory and perhaps sending data. With "
		   "three, A sees that the SYN,ACK acknowledges a SYN it does not want and answers "
		   "RST, and B goes back to LISTEN (RFC 9293 3.5, figure 8).\n\n"
		   "The third segment is what lets the client say no."),
	},
	[EXPLAIN_CARD_HANDSHAKE_CONFIRMS] = {
		N_("What each segment of the handshake proves"),
		N_("After the SYN, B knows that A can send and that B itself can receive. A knows "
		   "nothing yet.\n\n"
		   "After the SYN,ACK, A knows that both directions work: its SYN got through (it is "
		   "acknowledged) and B's reply reached it. It also knows that B speaks TCP and "
		   "accepts the connection. B still does not know whether what it sends reaches "
		   "A.\n\n"
		   "After the ACK, B knows that A received the SYN,ACK. Both sides have now seen "
		   "both directions work and both ISNs acknowledged. A fourth segment would prove "
		   "nothing new, so the handshake stops at three."),
	},
	[EXPLAIN_CARD_FOUR_WAY] = {
		N_("Why four segments to close"),
		N_("A connection is two byte streams, one in each direction, and each is closed on "
		   "its own. A FIN means \"I will send no more data\", not \"stop sending to me\": "
		   "this is the half-close.\n\n"
		   "When A's FIN arrives, B's TCP acknowledges it at once and B enters CLOSE-WAIT, "
		   "but B's application may still have data to send, so B cannot send its own FIN "
		   "yet. Only when B's application closes does B send FIN (LAST-ACK), which A "
		   "acknowledges. FIN, ACK, FIN, ACK: four segments.\n\n"
		   "When opening, B's SYN and its ACK of A's SYN travel together because B has "
		   "nothing to wait for. When closing, B's ACK and B's FIN are separated by whatever "
		   "B's application still has to say. (If B closes at once, one segment can carry "
		   "both: a three-segment close.)"),
	},
	[EXPLAIN_CARD_TIME_WAIT] = {
		N_("Why TIME-WAIT waits 2MSL"),
		N_("The side that closes first ends in TIME-WAIT after acknowledging the peer's FIN, "
		   "and stays there for twice the Maximum Segment Lifetime (MSL: the longest a "
		   "segment can live in the network; 2MSL is 4 minutes in RFC 9293, 60 seconds on "
		   "Linux).\n\n"
		   "First reason: the last ACK may be lost. The peer, in LAST-ACK, then retransmits "
		   "its FIN. Had we forgotten the connection, that FIN would find no TCB and be "
		   "answered with RST, and the peer would end with an error instead of closing "
		   "normally. In TIME-WAIT we acknowledge the retransmitted FIN again and restart "
		   "the 2MSL timer.\n\n"
		   "Second reason: old duplicates must die out. Segments of this connection may "
		   "still be wandering in the network. Waiting 2MSL (one MSL for our last segment, "
		   "one for any answer to it) makes sure none of them survives to be taken for data "
		   "of a new connection that uses the same addresses and ports."),
	},
	[EXPLAIN_CARD_KEEPALIVE] = {
		N_("What keepalive does"),
		N_("An idle TCP connection sends nothing at all: if the peer crashes or the network "
		   "breaks, the connection never notices. Keepalive, when the application turns it "
		   "on, checks on the peer after a long silence (RFC 1122 4.2.3.6).\n\n"
		   "After 2 hours without receiving anything, TCP sends a probe: a segment with no "
		   "data and seq one below SND.NXT, which the peer must acknowledge. If an ACK comes "
		   "back, the peer is alive and the 2-hour wait starts over. If not, TCP probes "
		   "again every 75 seconds, and after 10 unanswered probes it declares the "
		   "connection dead (timed out) and tells the application.\n\n"
		   "Every segment received restarts the idle time, so a busy connection never "
		   "probes. (The probes come every 75 seconds, not minutes.)"),
	},
	[EXPLAIN_CARD_RETRANSMIT] = {
		N_("How retransmission works"),
		N_("TCP keeps a copy of everything it sent until it is acknowledged, and runs a "
		   "retransmission timer while anything is outstanding. When the timer expires "
		   "(after the retransmission timeout, RTO), TCP sends the oldest unacknowledged "
		   "segment again.\n\n"
		   "The RTO comes from measured round-trip times: the smoothed RTT (SRTT) plus four "
		   "times its variation (RTTVAR), at least 1 second, and 1 second before anything "
		   "is measured (RFC 6298). After each timeout the RTO doubles (exponential backoff, "
		   "up to 60 seconds), so a congested or broken path is not flooded; after too many "
		   "attempts the connection gives up.\n\n"
		   "Karn's algorithm: an ACK of a retransmitted segment cannot say which copy it "
		   "answers, so it gives no RTT sample. And three duplicate ACKs reveal a single "
		   "loss sooner than the timer can: the segment is resent at once (fast "
		   "retransmit)."),
	},
	[EXPLAIN_CARD_STATES] = {
		N_("The states of a connection"),
		N_("RFC 9293 names eleven states. A server's TCB waits in LISTEN. The client sends "
		   "SYN and is in SYN-SENT; the server answers SYN,ACK and is in SYN-RECEIVED; the "
		   "last ACK makes both ESTABLISHED, where data flows.\n\n"
		   "The side that closes first goes through FIN-WAIT-1 (FIN sent), FIN-WAIT-2 (FIN "
		   "acknowledged, waiting for the peer's FIN) and TIME-WAIT. The other side goes "
		   "through CLOSE-WAIT (the peer's FIN received; its application may still send) "
		   "and LAST-ACK (its own FIN sent). CLOSING is the rare simultaneous close, when "
		   "both FINs cross. CLOSED is no connection at all.\n\n"
		   "The server usually finishes first: it is CLOSED as soon as the last ACK "
		   "arrives, while the client still waits 2MSL in TIME-WAIT."),
	},
	[EXPLAIN_CARD_RST] = {
		N_("What a reset is for"),
		N_("RST says \"this connection does not exist (any more)\". A host sends it for a "
		   "segment that belongs to no connection (a closed port), to refuse a SYN,ACK it "
		   "did not ask for (the old duplicate SYN), or when its application aborts.\n\n"
		   "An RST is accepted only with exactly the sequence number expected next; one "
		   "that is merely inside the window gets a challenge ACK instead, so an attacker "
		   "who guesses roughly cannot tear connections down (RFC 5961). An RST is never "
		   "answered with an RST, and never acknowledged."),
	},
	[EXPLAIN_CARD_WINDOW] = {
		N_("The window: flow control"),
		N_("Every ACK carries a window: how many more bytes the receiver can take now. The "
		   "sender keeps at most that much unacknowledged data in flight, so a slow reader "
		   "slows the writer down instead of losing data.\n\n"
		   "When the receiver's buffer is full it advertises a zero window and the sender "
		   "stops. A window update could be lost and both sides would wait forever, so the "
		   "sender sends a small window probe from time to time (the persist timer, with "
		   "backoff), and never gives up while the peer answers."),
	},
	[EXPLAIN_CARD_CONGESTION] = {
		N_("Congestion control: cwnd"),
		N_("The window protects the receiver; the congestion window (cwnd) protects the "
		   "network. The sender keeps in flight no more than the smaller of the two.\n\n"
		   "A new connection starts with a few segments (the initial window). In slow start "
		   "cwnd grows by one segment per ACK, doubling every round trip; past the "
		   "threshold ssthresh it grows by one segment per round trip (congestion "
		   "avoidance). A timeout means heavy loss: ssthresh becomes half the data in "
		   "flight and cwnd one segment. Three duplicate ACKs mean a single loss: fast "
		   "retransmit and fast recovery halve cwnd instead (RFC 5681, RFC 6582)."),
	},
};

const char *const explain_rules[TV_RULE_COUNT] = {
	[TV_RULE_APP_LISTEN] =
		N_("The application asked to accept connections on this port (a passive OPEN). "
		   "The TCB waits in LISTEN and sends nothing. Each SYN that arrives creates a new "
		   "connection in SYN-RECEIVED, while the listener keeps listening."),
	[TV_RULE_APP_CONNECT] =
		N_("The application asked to connect (an active OPEN). TCP picks an initial "
		   "sequence number, sends a SYN carrying it and waits in SYN-SENT. The SYN uses up "
		   "one sequence number, so the peer will acknowledge it with ISN+1."),
	[TV_RULE_APP_CLOSE] =
		N_("The application has no more data to send and closed its side. TCP sends FIN "
		   "after any data still queued; the FIN uses up one sequence number. Only this "
		   "direction is closed: data from the peer is still received (half-close)."),
	[TV_RULE_APP_CLOSE_LISTEN] =
		N_("The application closed a TCB that has no connection yet (listening, or a SYN "
		   "sent but not answered). There is nobody to say goodbye to, so the TCB is simply "
		   "deleted and nothing is sent."),
	[TV_RULE_APP_ABORT] =
		N_("The application aborted the connection. Instead of the orderly FIN exchange, "
		   "TCP sends RST, which makes the peer drop the connection at once, and forgets "
		   "it: data still queued in either direction is lost."),
	[TV_RULE_LISTEN_SYN] =
		N_("A SYN reached a listening port. TCP creates a new connection for it, records "
		   "the client's ISN (the ACK will be ISN+1), picks its own ISN and answers SYN,ACK: "
		   "the second segment of the three-way handshake. The listener itself keeps "
		   "listening."),
	[TV_RULE_LISTEN_RST] =
		N_("An RST reached a listening TCB. It cannot refer to anything a listener has, and "
		   "answering an RST with an RST could go on forever, so it is ignored."),
	[TV_RULE_LISTEN_ACK] =
		N_("A segment with ACK reached a listening port: it acknowledges something this "
		   "host never sent, perhaps for an old connection. The listener answers RST (with "
		   "seq = that ACK number) so the other side can clear its stale state."),
	[TV_RULE_CLOSED_RST] =
		N_("A segment arrived for a port where no connection exists and nothing listens. "
		   "The host answers RST, so the sender learns at once that nobody is there (a "
		   "client sees \"connection refused\") instead of retransmitting for minutes."),
	[TV_RULE_SYN_SENT_BAD_ACK] =
		N_("In SYN-SENT a segment arrived whose ACK does not acknowledge our SYN: it belongs "
		   "to another, probably old, connection. We answer RST and keep waiting. This is "
		   "how a client turns down the SYN,ACK that answered an old duplicate SYN (RFC 9293 "
		   "3.5)."),
	[TV_RULE_SYN_SENT_RST] =
		N_("Our SYN was answered with RST, and the RST acknowledges our SYN, so it is "
		   "genuine: nobody listens on that port. The connection is refused and the "
		   "application is told."),
	[TV_RULE_SYN_SENT_RST_IGNORED] =
		N_("An RST arrived in SYN-SENT without acknowledging our SYN. It may be a stray "
		   "from an old connection or a forgery, so it is ignored: only an RST that "
		   "acknowledges our SYN can refuse the connection."),
	[TV_RULE_SYN_SENT_SYNACK] =
		N_("The peer's SYN,ACK acknowledges our SYN (ack = our ISN+1) and carries the peer's "
		   "ISN. Both ISNs are now known, so we are ESTABLISHED and send the third segment: "
		   "an ACK of the peer's SYN (ack = its ISN+1)."),
	[TV_RULE_SYN_SENT_SYN] =
		N_("A SYN without ACK arrived while our own SYN was on its way: both sides opened at "
		   "the same moment (simultaneous open). We acknowledge the peer's SYN with a "
		   "SYN,ACK and wait in SYN-RECEIVED for the ACK of ours. Four segments instead of "
		   "three, and one connection."),
	[TV_RULE_SYN_RCVD_ACK] =
		N_("The ACK of our SYN,ACK arrived: the third segment of the handshake. Both ISNs "
		   "are acknowledged, so the connection is ESTABLISHED and the listener can hand it "
		   "to the application."),
	[TV_RULE_SYN_RCVD_BAD_ACK] =
		N_("In SYN-RECEIVED an ACK arrived that does not acknowledge our SYN,ACK: it does "
		   "not belong to this connection attempt. We answer RST and keep waiting for the "
		   "right ACK."),
	[TV_RULE_SYN_RCVD_RST_PASSIVE] =
		N_("An RST arrived for a half-open connection that a listener created: the client "
		   "does not want it (for example, our SYN,ACK answered an old duplicate SYN). The "
		   "half-open connection is deleted and the listener carries on."),
	[TV_RULE_SYN_RCVD_RST_ACTIVE] =
		N_("An RST arrived in SYN-RECEIVED after a simultaneous open that we started "
		   "ourselves. The peer refuses the connection, so it is closed and the application "
		   "that asked for it is told."),
	[TV_RULE_SEQ_UNACCEPTABLE] =
		N_("The segment lies outside the receive window: old data already delivered, or "
		   "more than we can take. It is dropped, but we send an ACK with our RCV.NXT and "
		   "window, so a sender with a wrong idea of our state gets back in step."),
	[TV_RULE_RST_ACCEPTED] =
		N_("An RST arrived with exactly the sequence number we expect next (RCV.NXT), so it "
		   "really comes from the peer. The connection is reset: the TCB is deleted and the "
		   "application gets \"connection reset\"."),
	[TV_RULE_RST_CHALLENGE] =
		N_("An RST arrived with a sequence number inside the window but not exactly RCV.NXT. "
		   "The real peer knows RCV.NXT; an attacker guessing blindly does not. So we do "
		   "not reset: we send a challenge ACK, and a real peer answers it with an exact RST "
		   "(RFC 5961)."),
	[TV_RULE_RST_OUT_OF_WINDOW] =
		N_("An RST arrived with a sequence number outside the receive window. It cannot "
		   "belong to this connection (or it is a blind attack), so it is silently "
		   "dropped."),
	[TV_RULE_SYN_CHALLENGE] =
		N_("A SYN arrived on a connection that is already synchronized. The peer may have "
		   "restarted, or the SYN may be forged, and resetting on it would let anyone kill "
		   "connections. We send a challenge ACK instead: a restarted peer answers it with "
		   "an RST carrying the right number (RFC 5961 4)."),
	[TV_RULE_ACK_CHALLENGE] =
		N_("The segment acknowledges data that is too old or was never sent. It is dropped "
		   "and answered with a challenge ACK telling the sender where we really are, which "
		   "also makes blind data injection harder (RFC 5961 5)."),
	[TV_RULE_ACK_UNSENT] =
		N_("The segment acknowledges data we have not sent yet (ack beyond SND.NXT). That "
		   "cannot be right, so it is dropped, and we send an ACK with our real numbers."),
	[TV_RULE_FIN_RECEIVED] =
		N_("The peer sent FIN: it will send no more data. We acknowledge it (the FIN uses "
		   "one sequence number, so ack = its seq+1) and tell the application: end of "
		   "stream. From ESTABLISHED we go to CLOSE-WAIT; our own direction stays open until "
		   "our application closes (half-close)."),
	[TV_RULE_FIN_ACKED] =
		N_("The peer acknowledged our FIN: our direction is closed. From FIN-WAIT-1 we go to "
		   "FIN-WAIT-2 and wait for the peer's FIN; from CLOSING to TIME-WAIT; from LAST-ACK "
		   "the connection is over."),
	[TV_RULE_FIN_SIMULTANEOUS] =
		N_("The peer's FIN arrived while our own FIN was not yet acknowledged: both sides "
		   "closed at the same time. We acknowledge it and go to CLOSING, waiting only for "
		   "the ACK of our FIN, then TIME-WAIT."),
	[TV_RULE_TIME_WAIT_FIN] =
		N_("In TIME-WAIT the peer's FIN arrived again: our last ACK was lost and the peer "
		   "retransmitted its FIN. This is exactly what TIME-WAIT is for: we acknowledge it "
		   "again and restart the 2MSL timer."),
	[TV_RULE_TIME_WAIT_RST] =
		N_("An RST arrived in TIME-WAIT. Accepting it would end TIME-WAIT early and let old "
		   "duplicates of this connection reach a new one (TIME-WAIT assassination, RFC "
		   "1337), so it is ignored."),
	[TV_RULE_TIME_WAIT_EXPIRED] =
		N_("2MSL has passed in TIME-WAIT: the peer had time to retransmit its FIN if our ACK "
		   "was lost, and every old segment of this connection has died out in the network. "
		   "The TCB is deleted; its addresses and ports may be used again."),
	[TV_RULE_REXMIT_TIMEOUT] =
		N_("The retransmission timer expired before the data (or SYN, or FIN) was "
		   "acknowledged. TCP sends the oldest unacknowledged segment again and doubles the "
		   "RTO (exponential backoff), so a lossy or congested path is not flooded."),
	[TV_RULE_REXMIT_GIVE_UP] =
		N_("The same segment was retransmitted too many times without an answer: the peer "
		   "or the path is gone. TCP gives up, deletes the connection and reports a timeout "
		   "to the application."),
	[TV_RULE_KEEPALIVE_PROBE] =
		N_("Keepalive is on and the connection has been idle too long (2 hours by default), "
		   "or the last probe got no answer (75 seconds ago). TCP sends a probe, a segment "
		   "the peer must acknowledge, to find out whether the peer is still there."),
	[TV_RULE_KEEPALIVE_DEAD] =
		N_("The keepalive probes (10 by default) all went unanswered: the peer crashed, "
		   "rebooted or became unreachable. The connection is closed with a timeout, "
		   "freeing what it held."),
	[TV_RULE_PERSIST_PROBE] =
		N_("The peer advertised a zero window, so we may not send. A window update could be "
		   "lost and both sides would wait forever, so the persist timer sends a small "
		   "probe now and then; its ACK tells us the current window. TCP never gives up "
		   "while probes are answered."),
	[TV_RULE_SLOW_START] =
		N_("In slow start each ACK of new data lets cwnd grow by one segment, so the amount "
		   "in flight doubles every round trip. Starting small and growing fast, TCP finds "
		   "what the path can carry without flooding it at the start."),
	[TV_RULE_CONG_AVOID] =
		N_("cwnd has passed ssthresh, so TCP is in congestion avoidance. cwnd now grows by "
		   "about one segment per round trip, probing gently for more capacity instead of "
		   "doubling, since the path is known to be close to full."),
	[TV_RULE_FAST_RETRANSMIT] =
		N_("Three duplicate ACKs arrived: the receiver keeps getting segments after a hole, "
		   "so one segment was probably lost while later ones got through. TCP resends it "
		   "at once without waiting for the timer, halves its window and enters fast "
		   "recovery."),
	[TV_RULE_FAST_RECOVERY_PARTIAL] =
		N_("In fast recovery an ACK covered some, but not all, of the data that was "
		   "outstanding when the loss was detected: another segment was lost too. TCP "
		   "retransmits the next hole at once and stays in fast recovery (NewReno)."),
	[TV_RULE_FAST_RECOVERY_EXIT] =
		N_("An ACK covered everything that was outstanding when the loss was detected: "
		   "every hole is repaired. TCP leaves fast recovery and goes on in congestion "
		   "avoidance with cwnd = ssthresh."),
	[TV_RULE_RTO_LOSS] =
		N_("A retransmission timeout means the flow of ACKs has stopped, probably after "
		   "heavy loss. TCP sets ssthresh to half the data in flight and cwnd to one "
		   "segment, and starts again with slow start."),
	[TV_RULE_BACKLOG_FULL] =
		N_("A SYN arrived but the listener's queue of connections waiting for the "
		   "application (the backlog) is full. The SYN is dropped without an answer; the "
		   "client will retransmit it and may get in once the application accepts."),
	[TV_RULE_SYN_EVICTED] =
		N_("A SYN arrived at a full backlog, and some of the connections in it are only "
		   "half-open: their SYN,ACK was never answered, as in a SYN flood from forged "
		   "addresses. The listener deletes the oldest of them, without a RST, and takes the "
		   "new SYN instead (RFC 4987 3.4). A real client answers within a round trip, so it "
		   "gets in unless the flood sends a whole backlog of SYNs in that time."),
	[TV_RULE_BAD_CHECKSUM] =
		N_("The TCP checksum (over the header, the data and the IP pseudo-header) does not "
		   "match: the segment was damaged on the way. It is dropped silently; the sender's "
		   "retransmission will make up for it."),
	[TV_RULE_BAD_HEADER] =
		N_("The TCP header is malformed (too short, a bad data offset, port 0). Nothing in "
		   "it can be trusted, so the segment is dropped and counted."),
	[TV_RULE_BAD_OPTION] =
		N_("A TCP option has an impossible length. The options cannot be read safely, so "
		   "the whole segment is dropped and counted."),
	[TV_RULE_BAD_ADDRESS] =
		N_("A SYN came from a broadcast or multicast address. No connection can be made "
		   "with such an address, and answering could flood a network, so it is dropped "
		   "(RFC 1122 4.2.3.10)."),
	[TV_RULE_CLOSED_RST_DROP] =
		N_("An RST arrived for a connection that does not exist. There is nothing to reset, "
		   "and an RST is never answered with an RST, so it is discarded."),
	[TV_RULE_CONN_LIMIT] =
		N_("A SYN arrived but the host's connection table is full. The SYN is dropped; the "
		   "client will try again later."),
	[TV_RULE_APP_SEND_LISTEN] =
		N_("The application sent data to a destination on a listening TCB: RFC 9293 lets a "
		   "listener become an active opener. It sends a SYN and moves to SYN-SENT."),
	[TV_RULE_SYN_RCVD_DUP_SYN] =
		N_("The client's SYN arrived again while we are in SYN-RECEIVED: our SYN,ACK was "
		   "lost or slow, so the client retransmitted its SYN. We send the SYN,ACK again."),
	[TV_RULE_SYN_RCVD_SYN_PASSIVE] =
		N_("A SYN with another sequence number arrived for a half-open connection that a "
		   "listener created: the client started a new attempt. The old half-open "
		   "connection is dropped (back to LISTEN) so the new SYN can be handled."),
	[TV_RULE_FIN_ACKED_AND_FIN] =
		N_("In FIN-WAIT-1 one segment brought both the ACK of our FIN and the peer's FIN. "
		   "We acknowledge the FIN and go straight to TIME-WAIT, skipping FIN-WAIT-2."),
	[TV_RULE_CLOSE_UNREAD] =
		N_("The application closed while received data was still unread. That data will "
		   "never be delivered, and an orderly FIN would hide the loss, so TCP sends RST "
		   "instead: the peer learns its data was not consumed (RFC 1122 4.2.2.13)."),
	[TV_RULE_DATA_AFTER_CLOSE] =
		N_("Data arrived after our application closed the connection: nobody will read it. "
		   "It is acknowledged, so the peer does not retransmit it forever, and thrown "
		   "away."),
	[TV_RULE_DATA_AFTER_FIN] =
		N_("Data arrived beyond the point where the peer's FIN ended its stream. A correct "
		   "peer never sends that, so it is ignored."),
	[TV_RULE_LISTENER_CLOSED] =
		N_("The listener was closed while this connection was waiting to be accepted. No "
		   "application will ever take it, so it is reset."),
	[TV_RULE_FIN_WAIT_2_TIMEOUT] =
		N_("Our application has closed and we waited in FIN-WAIT-2 for the peer's FIN "
		   "longer than the limit (60 seconds, like Linux's tcp_fin_timeout). A peer that "
		   "never closes would otherwise hold this TCB forever, so it is deleted."),
	[TV_RULE_TIME_WAIT_SYN] =
		N_("A SYN arrived for a connection in TIME-WAIT. Accepting it could mix old segments "
		   "into a new connection, so the SYN is dropped and answered with a challenge "
		   "ACK."),
	[TV_RULE_DELAYED_ACK] =
		N_("TCP holds back a bare ACK for a moment (up to 200 ms here), hoping to send it "
		   "together with data or to acknowledge two segments at once. The moment is over, "
		   "so the ACK goes out alone."),
	[TV_RULE_CWND_INIT] =
		N_("The connection is established and congestion control starts. The initial "
		   "window allows two to four segments in flight before the first ACK comes back "
		   "(RFC 5681): enough to start quickly, too little to flood a path nobody has "
		   "measured yet."),
	[TV_RULE_FAST_RECOVERY_INFLATE] =
		N_("Another duplicate ACK in fast recovery means one more segment has left the "
		   "network. cwnd grows by one segment so that new data can be sent and the ACKs "
		   "keep coming."),
	[TV_RULE_OOO_FULL] =
		N_("The segment arrived out of order, after a hole, and the queue that keeps such "
		   "segments until the hole is filled is full. It is dropped; the sender will "
		   "retransmit it."),
	[TV_RULE_WINDOW_UPDATE] =
		N_("The application read data and the receive window opened noticeably. We send an "
		   "ACK advertising the new window, so a sender that was held back can go on."),
	[TV_RULE_KEEPALIVE_ALIVE] =
		N_("The peer answered a keepalive probe: it is still there. The probe count starts "
		   "over and so does the idle time."),
	[TV_RULE_APP_ABORT_UNSYNC] =
		N_("The application aborted before the handshake completed. The peer holds no "
		   "synchronized state to reset, so the TCB is deleted without sending RST."),
	[TV_RULE_APP_ABORT_CLOSING] =
		N_("The application aborted after both sides had already sent FIN. Each side knows "
		   "the connection is ending, so the TCB is deleted without sending RST."),
};
