# The lesson library: narrated scripts (*.tvs), installed for `tcpviz
# lessons` and `tcpviz run NAME`.  Add each lesson to dist_lesson_DATA.
lessondir = $(pkgdatadir)/scenarios
dist_lesson_DATA =
