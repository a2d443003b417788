<?xml version="1.0" encoding="utf-8"?>
<!-- Renders an RSS 2.0 or Atom 1.0 feed opened in a browser as a page that explains
     what a feed is and how to subscribe. Feed readers ignore it. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:variable name="home" select="/rss/channel/link | /atom:feed/atom:link[@rel='alternate']/@href"/>
  <xsl:variable name="self" select="/rss/channel/atom:link[@rel='self']/@href | /atom:feed/atom:link[@rel='self']/@href"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> — feed</title>
        <style>
          :root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --box: #f3f5f8; --link: #0b57d0; }
          @media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #a8b0b9; --bg: #121417; --box: #1d2126; --link: #8ab4f8; } }
          body { font: 1rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
          main { max-width: 42rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
          a { color: var(--link); }
          .about { background: var(--box); border-radius: .5rem; padding: 1rem 1.25rem; margin: 1rem 0 2rem; }
          code { word-break: break-all; font-size: .95em; }
          .meta { color: var(--muted); font-size: .9rem; margin: 0; }
          li { margin-bottom: 1rem; }
        </style>
      </head>
      <body>
        <main>
          <p class="meta">Feed</p>
          <h1><xsl:value-of select="$title"/></h1>
          <div class="about">
            <p><strong>This is a feed.</strong> Copy its address into a feed reader (for example
              NetNewsWire, Feedly, Thunderbird or Outlook) and every new communique arrives there
              by itself, with nothing to sign up for.</p>
            <p>Feed address: <code><xsl:value-of select="$self"/></code></p>
            <p><a href="{$home}">Read the page this feed belongs to</a></p>
          </div>
          <h2>Latest</h2>
          <ol>
            <xsl:for-each select="/rss/channel/item">
              <li>
                <a href="{link}"><xsl:value-of select="title"/></a>
                <p class="meta"><xsl:value-of select="category"/> · <xsl:value-of select="pubDate"/></p>
              </li>
            </xsl:for-each>
            <xsl:for-each select="/atom:feed/atom:entry">
              <li>
                <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
                <p class="meta"><xsl:value-of select="atom:category/@term"/> · <xsl:value-of select="substring(atom:published, 1, 10)"/></p>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
