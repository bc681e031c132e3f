dist_man_MANS += doc/tcpviz.1
dist_man_MANS += doc/tcpviz-script.5
