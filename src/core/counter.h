/*
 * counter.h - per-host counters, one for every drop path and a few for
 * traffic.  The list is an X-macro so the enum, the names shown by front
 * ends and the descriptions stay in one place.  Add a counter here, bump
 * it with host_count(host, TV_CNT_X), and every front end shows it.
 */
#ifndef TV_COUNTER_H
#define TV_COUNTER_H

#define TV_COUNTERS(X)                                                                  \
	X(ETH_RX, "eth.rx", "Ethernet frames received")                                 \
	X(ETH_TX, "eth.tx", "Ethernet frames sent")                                     \
	X(ETH_SHORT, "eth.short", "truncated Ethernet frames dropped")                  \
	X(ETH_NOT_US, "eth.not_us", "frames for another MAC address dropped")           \
	X(ETH_BAD_TYPE, "eth.bad_type", "frames of an unknown EtherType dropped")       \
	X(ETH_TX_ERR, "eth.tx_err", "frames the link refused to send")                  \
	X(ARP_RX, "arp.rx", "ARP packets received")                                     \
	X(ARP_BAD, "arp.bad", "malformed ARP packets dropped")                          \
	X(ARP_NOT_US, "arp.not_us", "ARP requests for other addresses ignored")         \
	X(ARP_QUEUE_FULL, "arp.queue_full", "packets dropped: ARP pending queue full")   \
	X(ARP_NOMEM, "arp.nomem", "packets dropped: out of memory to queue them for ARP") \
	X(ARP_TIMEOUT, "arp.timeout", "packets dropped: ARP resolution timed out")      \
	X(ARP_CACHE_FULL, "arp.cache_full", "ARP entries evicted: cache full")          \
	X(ARP_EVICT_DROP, "arp.evict_drop", "packets dropped: their ARP entry was evicted") \
	X(ARP_CONFLICT, "arp.conflict", "ARP packets claiming our address ignored")     \
	X(IP_RX, "ip.rx", "IPv4 packets received")                                      \
	X(IP_TX, "ip.tx", "IPv4 packets sent")                                          \
	X(IP_BAD_HDR, "ip.bad_hdr", "IPv4 packets with a bad header dropped")           \
	X(IP_BAD_CSUM, "ip.bad_csum", "IPv4 packets with a bad checksum dropped")       \
	X(IP_BAD_LEN, "ip.bad_len", "IPv4 packets with a bad length dropped")           \
	X(IP_FRAG, "ip.frag", "IPv4 fragments dropped (no reassembly)")                 \
	X(IP_NOT_US, "ip.not_us", "IPv4 packets for another address dropped")           \
	X(IP_TTL, "ip.ttl", "IPv4 packets with TTL 0 dropped")                          \
	X(IP_BAD_PROTO, "ip.bad_proto", "IPv4 packets of an unknown protocol dropped")  \
	X(IP_NO_ROUTE, "ip.no_route", "packets dropped: destination not on the link")   \
	X(ICMP_BAD, "icmp.bad", "malformed ICMP messages dropped")                      \
	X(ICMP_ECHO, "icmp.echo", "ICMP echo requests answered")                        \
	X(ICMP_OTHER, "icmp.other", "ICMP messages of other types ignored")             \
	X(ICMP_ECHO_REPLY, "icmp.echo_reply", "ICMP echo replies received")            \
	X(TCP_RX, "tcp.rx", "TCP segments received")                                    \
	X(TCP_TX, "tcp.tx", "TCP segments sent")                                        \
	X(TCP_BAD_CSUM, "tcp.bad_csum", "TCP segments with a bad checksum dropped")     \
	X(TCP_BAD_HDR, "tcp.bad_hdr", "TCP segments with a bad header dropped")         \
	X(TCP_BAD_OPT, "tcp.bad_opt", "TCP segments with malformed options dropped")    \
	X(TCP_NO_SOCKET, "tcp.no_socket", "TCP segments for no connection (RST sent)")  \
	X(TCP_OUT_OF_WINDOW, "tcp.out_of_window", "TCP segments outside the window")    \
	X(TCP_BACKLOG_FULL, "tcp.backlog_full", "SYNs dropped: listen backlog full")     \
	X(TCP_SYN_EVICTED, "tcp.syn_evicted", "half-open connections dropped for a new SYN: backlog full") \
	X(TCP_CONN_LIMIT, "tcp.conn_limit", "SYNs dropped: connection table full")       \
	X(TCP_OOO_DROP, "tcp.ooo_drop", "out-of-order bytes dropped: queue full")       \
	X(TCP_RST_SENT, "tcp.rst_sent", "TCP resets sent")                              \
	X(TCP_RST_RX, "tcp.rst_rx", "TCP resets accepted")                              \
	X(TCP_RST_IGNORED, "tcp.rst_ignored", "TCP resets ignored")                     \
	X(TCP_CHALLENGE_ACK, "tcp.challenge_ack", "challenge ACKs sent (RFC 5961)")     \
	X(TCP_CHALLENGE_LIMIT, "tcp.challenge_limit", "challenge ACKs suppressed by rate limit") \
	X(TCP_RETRANSMIT, "tcp.retransmit", "TCP segments retransmitted")               \
	X(TCP_FAST_RETRANSMIT, "tcp.fast_retransmit", "fast retransmissions")           \
	X(TCP_TIMEOUT, "tcp.timeout", "connections that timed out")                     \
	X(TCP_DUP_DATA, "tcp.dup_data", "duplicate data bytes received")                \
	X(TCP_KEEPALIVE, "tcp.keepalive", "keepalive probes sent")                      \
	X(TCP_PERSIST, "tcp.persist", "zero-window probes sent")                        \
	X(TCP_NOMEM, "tcp.nomem", "segments dropped: out of memory")                    \
	X(TCP_BAD_ADDR, "tcp.bad_addr", "SYNs from broadcast or multicast addresses dropped") \
	X(TCP_DISCARD, "tcp.discard", "data bytes discarded: arrived after the application closed") \
	X(TCP_DROPPED, "tcp.dropped", "TCP segments dropped by state rules (no ACK bit, old SYN...)") \
	X(TCP_DATA_AFTER_FIN, "tcp.data_after_fin", "segments ignored: data beyond the peer's FIN") \
	X(TCP_SOCK_LIMIT, "tcp.sock_limit", "sockets refused to the application: connection table full")

enum tv_counter {
#define TV_COUNTER_ENUM(id, name, desc) TV_CNT_##id,
	TV_COUNTERS(TV_COUNTER_ENUM)
#undef TV_COUNTER_ENUM
	TV_CNT_COUNT
};

/* Short machine name ("tcp.bad_csum") and untranslated description. */
const char *tv_counter_name(enum tv_counter c);
const char *tv_counter_desc(enum tv_counter c);
/* Counter with the given short name, or -1. */
int tv_counter_find(const char *name);

#endif
