// One trace's events over a websocket: replayed ones first, then live. A dropped connection is
// opened again after a growing pause, asking only for what came after the last event seen.
import { eventsProtocols, eventsUrl } from './api.js';
import { parseExact } from './exact-json.js';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15000;
const REPLAY_ON_RECONNECT = 1000;

export class TraceStream {
  /**
   * @param handlers onEvents(events, {replay}), onDropped(count, total), onNotice(level, message),
   *     onState('connecting' | 'live' | 'retrying' | 'closed', detail)
   */
  constructor(namespace, name, replay, handlers) {
    this.namespace = namespace;
    this.name = name;
    this.replay = replay;
    this.handlers = handlers;
    this.retryMs = FIRST_RETRY_MS;
    this.lastTimestamp = null;
    this.closed = false;
    this.connect();
  }

  connect() {
    const params = { replay: this.replay };
    // After a reconnect, replayed events up to the last one shown were shown already.
    this.shownUpTo = this.lastTimestamp;
    if (this.lastTimestamp !== null) {
      params.replay = REPLAY_ON_RECONNECT;
      params.since = new Date(Math.floor(this.lastTimestamp / 1e6)).toISOString();
    }
    this.handlers.onState('connecting');
    const socket = new WebSocket(eventsUrl(this.namespace, this.name, params), eventsProtocols());
    this.socket = socket;
    socket.onmessage = (message) => this.onFrame(parseExact(message.data));
    socket.onclose = (close) => {
      if (this.closed) return;
      this.handlers.onState('retrying', close.reason || `connection closed (${close.code})`);
      this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    };
  }

  onFrame(frame) {
    switch (frame.kind) {
      case 'hello':
        this.retryMs = FIRST_RETRY_MS;
        this.handlers.onState('live');
        break;
      case 'events': {
        const shown = this.shownUpTo;
        const events =
          frame.replay && shown !== null ? frame.events.filter((e) => e.timestamp > shown) : frame.events;
        for (const event of events) {
          if (typeof event.timestamp === 'number' && event.timestamp > (this.lastTimestamp ?? 0)) {
            this.lastTimestamp = event.timestamp;
          }
        }
        if (events.length > 0) this.handlers.onEvents(events, { replay: frame.replay, trace: this.name });
        break;
      }
      case 'replayed':
        if (!frame.complete) {
          this.handlers.onNotice('info', 'Only part of the earlier events could be replayed in time');
        }
        break;
      case 'dropped':
        this.handlers.onDropped(frame.count, frame.total);
        break;
      case 'notice':
        this.handlers.onNotice(frame.level, frame.message);
        break;
      default:
        break;
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.close();
    this.handlers.onState('closed');
  }
}
