// A report's idle connections, by where they lead. A report asks some hosts several times in
// a row (the client .well-known, then sign-in at the base URL it gave): a connection kept
// open spares each later request its TLS handshake, a round trip and the CPU of both ends.
// Connections stay with the report whose signal they were opened under, and close when
// that signal aborts (runCheck aborts it once the check is done).
import type { Duplex } from 'node:stream';

interface IdleConnection {
  connection: Duplex;
  /** Stops watching it for the server's close, as its next request watches it itself. */
  unwatch: () => void;
}

export interface ConnectionPool {
  /** An open connection the report left idle for this key, if it has one. */
  take(report: AbortSignal, key: string): Duplex | undefined;
  /** Keeps a connection for the report's next request with this key, until the report ends. */
  keep(report: AbortSignal, key: string, connection: Duplex): void;
}

export function connectionPool(): ConnectionPool {
  const reports = new WeakMap<AbortSignal, Map<string, IdleConnection[]>>();

  const idleFor = (report: AbortSignal, key: string): IdleConnection[] => {
    let byKey = reports.get(report);
    if (!byKey) {
      const created = new Map<string, IdleConnection[]>();
      report.addEventListener('abort', () => {
        for (const idle of created.values()) for (const { connection } of idle.splice(0)) connection.destroy();
      }, { once: true });
      reports.set(report, (byKey = created));
    }
    let idle = byKey.get(key);
    if (!idle) byKey.set(key, (idle = []));
    return idle;
  };

  return {
    take(report, key) {
      const kept = reports.get(report)?.get(key)?.pop();
      kept?.unwatch();
      return kept?.connection;
    },
    keep(report, key, connection) {
      if (report.aborted) return void connection.destroy();
      const idle = idleFor(report, key);
      // Nobody reads an idle connection: a close or a reset from the server just ends it.
      const drop = () => {
        connection.destroy();
        const at = idle.indexOf(entry);
        if (at >= 0) idle.splice(at, 1);
      };
      const entry: IdleConnection = {
        connection,
        unwatch: () => connection.off('error', drop).off('close', drop).off('end', drop),
      };
      connection.on('error', drop).on('close', drop).on('end', drop);
      idle.push(entry);
    },
  };
}
