import { useEffect, useRef, useState } from 'preact/hooks';
import { stringifyExact } from '../exact-json.js';
import { EventMemory, columnsFor, matchesFilter } from '../events.js';
import { count, lostSamples } from '../format.js';
import { html } from '../html.js';
import { RateCounter } from '../rate.js';
import { TraceStream } from '../stream.js';
import { isTopGadget, latestReports, parameterOf, parseSortBy, topColumnsFor, topRows } from '../top.js';
import { EventTable } from './EventTable.js';
import { RateChart } from './RateChart.js';
import { StatusOutput } from './StatusOutput.js';
import { TopTable } from './TopTable.js';

const REPLAY_EVENTS = 300;
const REMEMBERED_EVENTS = 5000;
const SHOWN_ROWS = 250;
const RENDER_EVERY_MS = 200;

function emptyCounters() {
  return { received: 0, replayed: 0, dropped: 0, lost: 0 };
}

/**
 * The events of the watched traces as they happen: a table (pause, filter as you type, JSON
 * export), events per second, what was dropped or lost, and the Status output of profile and
 * snapshot gadgets. A top gadget's reports make one table instead, refreshed with each interval.
 */
export function LiveView({ namespace, traces, names, catalog }) {
  const memory = useRef(new EventMemory(REMEMBERED_EVENTS)).current;
  const rate = useRef(new RateCounter(60)).current;
  const counters = useRef(emptyCounters());
  const renderTimer = useRef(null);
  const frozen = useRef(null);
  const filterInput = useRef(null);
  const [, setRenderCount] = useState(0);
  const [paused, setPaused] = useState(false);
  const [filterText, setFilterText] = useState('');
  const [connections, setConnections] = useState({});
  const [notices, setNotices] = useState([]);
  const key = names.join(',');

  const scheduleRender = () => {
    if (renderTimer.current === null) {
      renderTimer.current = setTimeout(() => {
        renderTimer.current = null;
        setRenderCount((n) => n + 1);
      }, RENDER_EVERY_MS);
    }
  };

  useEffect(() => {
    memory.clear();
    counters.current = emptyCounters();
    setNotices([]);
    setConnections({});
    const streams = names.map(
      (name) =>
        new TraceStream(namespace, name, REPLAY_EVENTS, {
          onEvents(events, { replay }) {
            memory.add(events);
            counters.current.received += events.length;
            if (replay) counters.current.replayed += events.length;
            else rate.count(events.length);
            counters.current.lost += events.reduce((sum, e) => sum + lostSamples(e), 0);
            scheduleRender();
          },
          onDropped(dropped) {
            counters.current.dropped += dropped;
            rate.count(dropped, 'dropped');
            memory.add([{ gap: dropped, trace: name }]);
            scheduleRender();
          },
          onNotice(level, message) {
            setNotices((current) => [...current.slice(-4), { level, message: `${name}: ${message}` }]);
          },
          onState(state, detail) {
            setConnections((current) => ({ ...current, [name]: { state, detail } }));
          },
        }),
    );
    return () => streams.forEach((stream) => stream.close());
  }, [namespace, key]);

  useEffect(() => {
    const onKey = (e) => {
      if (e.key === '/' && document.activeElement?.tagName !== 'INPUT') {
        e.preventDefault();
        filterInput.current?.focus();
      }
    };
    const everySecond = setInterval(scheduleRender, 1000);
    document.addEventListener('keydown', onKey);
    return () => {
      clearInterval(everySecond);
      document.removeEventListener('keydown', onKey);
    };
  }, []);

  if (names.length === 0) {
    return html`<section class="card live empty-live">
      <h2>Live events</h2>
      <p class="muted">Pick a trace above, or start one with the form: its events stream here as they happen,
        with the last ${REPLAY_EVENTS} replayed first.</p>
    </section>`;
  }

  const gadget = catalog?.gadgets.find((g) => g.name === traces[0]?.spec.gadget);
  const top = isTopGadget(gadget);
  const columns = top ? topColumnsFor(gadget) : columnsFor(gadget);
  const keep = (event) => event.gap !== undefined || matchesFilter(event, filterText);
  const rows = paused && frozen.current ? frozen.current : top ? memory.items : memory.newest(SHOWN_ROWS, keep);
  const reports = top ? latestReports(rows) : null;
  const c = counters.current;
  const lostByNode = traces.reduce((sum, t) => sum + (t.status?.lostEvents ?? 0), 0);

  const togglePause = () => {
    // A top gadget's rows are the memory itself, which goes on filling: keep a copy.
    frozen.current = paused ? null : top ? [...rows] : rows;
    setPaused(!paused);
  };
  const exportJson = () => {
    const events = memory.newest(REMEMBERED_EVENTS, (e) => e.gap === undefined && matchesFilter(e, filterText)).reverse();
    const blob = new Blob([stringifyExact(events, 2)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${names.length === 1 ? names[0] : `${names[0]}-and-${names.length - 1}-more`}-events.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  return html`<section class="card live">
    <div class="live-head">
      <h2>
        Live events
        <span class="muted"> · ${names.length === 1 ? names[0] : `${names.length} traces`}${gadget ? ` · ${gadget.name}` : ''}</span>
      </h2>
      <div class="connections">
        ${Object.entries(connections).map(
          ([name, { state, detail }]) => html`<span class=${`conn ${state}`} title=${detail ?? ''}><span class="dot"></span>${names.length > 1 ? `${name}: ` : ''}${state}</span>`,
        )}
      </div>
    </div>
    ${traces.map((t) => (t.status?.output ? html`<${StatusOutput} key=${t.metadata.name} trace=${t} />` : null))}
    <div class="toolbar">
      <button id="pause" class=${paused ? 'primary' : ''} onClick=${togglePause}>${paused ? '▶ Resume' : '❚❚ Pause'}</button>
      <input id="event-filter" ref=${filterInput} type="search" placeholder="Filter events… (/ to focus; comm:bash)" value=${filterText}
        onInput=${(e) => {
          setFilterText(e.target.value);
          frozen.current = null;
          if (paused) setPaused(false);
        }} />
      <button id="export" onClick=${exportJson} title="Download the remembered events that match the filter">Export JSON</button>
      <button onClick=${() => { memory.clear(); counters.current = emptyCounters(); scheduleRender(); }}>Clear</button>
    </div>
    <div class="stats">
      <span><b id="received-count">${count(c.received)}</b> received</span>
      <span><b>${count(c.replayed)}</b> replayed</span>
      <span class=${c.dropped ? 'dropped' : ''} title="Events the server skipped because this browser fell behind">
        <b id="dropped-count">${count(c.dropped)}</b> dropped by the browser link</span>
      <span class=${c.lost || lostByNode ? 'lost' : ''} title="Events the node agent could not deliver (kernel ring or queue full)">
        <b>${count(Math.max(c.lost, lostByNode))}</b> lost on the node</span>
      ${paused ? html`<span class="paused">paused — ${count(memory.items.length)} remembered</span>` : null}
    </div>
    ${notices.map((n) => html`<p class=${n.level === 'warn' ? 'warning' : 'muted'}>${n.message}</p>`)}
    ${top
      ? html`${memory.newest(3, (e) => e.type && e.type !== 'normal').map((e) => html`<p class="warning">${e.node}: ${e.type} ${e.message}</p>`)}
          <${TopTable}
            columns=${columns}
            reports=${reports}
            rows=${topRows(
              reports,
              parseSortBy(parameterOf(traces[0], gadget, 'sort_by')),
              Number(parameterOf(traces[0], gadget, 'max_rows')),
            ).filter((row) => matchesFilter(row, filterText))} />`
      : html`<${RateChart} rate=${rate} />
          <${EventTable} columns=${columns} rows=${rows} shown=${SHOWN_ROWS} />`}
  </section>`;
}
