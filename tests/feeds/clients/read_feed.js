// Reads an RSS feed on standard input with Podcast Index's parser (podcast-partytime), as a podcast app would, and
// prints what it understood of each item as JSON: title, date, duration, description and enclosure.
"use strict";
const { parseFeed } = require("podcast-partytime");

let xml = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (xml += chunk));
process.stdin.on("end", () => {
  const feed = parseFeed(xml, { allowMissingGuid: true });
  if (!feed) {
    process.stderr.write("podcast-partytime could not parse the feed\n");
    process.exit(2);
  }
  const items = (feed.items || []).map((item) => ({
    guid: item.guid,
    title: item.title,
    pubDate: item.pubDate ? new Date(item.pubDate).toISOString() : null,
    duration: item.duration,
    description: item.description,
    enclosure: item.enclosure ? { url: item.enclosure.url, length: item.enclosure.length, type: item.enclosure.type } : null,
  }));
  process.stdout.write(JSON.stringify({ title: feed.title, language: feed.language, items }));
});
