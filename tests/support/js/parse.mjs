// Parse an iCalendar file with Mozilla's ical.js and print its events as JSON:
// [{uid, start, end, summary, sequence}], instants as epoch seconds.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const root = new ICAL.Component(ICAL.parse(text));
const events = root.getAllSubcomponents("vevent").map((c) => {
  const e = new ICAL.Event(c);
  const instant = (t) => (t.isDate ? t.toString() : t.toUnixTime());
  return {
    uid: e.uid,
    start: instant(e.startDate),
    end: instant(e.endDate),
    summary: e.summary,
    sequence: e.sequence ?? 0,
  };
});
process.stdout.write(JSON.stringify(events));
