<?xml version="1.0" encoding="ISO-8859-1"?>
<rss xmlns:p="http://podlove.org/simple-chapters"><item>
<p:chapters version="1.2"><p:chapter start="7:48" title="Q&amp;A &#233;" href="h" image="i"/>
<p:chapter start="37" title="b"/><p:chapter start="35:12.250" title="c"/></p:chapters></item></rss>
