dist_man_MANS += doc/tcpviz.1
