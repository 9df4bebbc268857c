// Handlers of the commands on lanes: create, configure (live), pause, resume, delete when empty.
import type Database from 'better-sqlite3';
import type { Handlers } from '../commands';
import type { Lane as LaneInfo } from '../api/types';
import type { EventBus } from '../events';
import type { Clock } from '../ports';
import type { WriteLoop } from '../loop';
import type { RunStore } from '../db/run-store';
import type { TaskStore } from '../tasks/task-store';
import { TasklaneError } from '../errors';
import { assertLane } from '../runs/enqueue';
import { runEvents as ev } from '../runs/run-events';
import type { Lane } from './lane';
import { DEFAULT_LANE, type LaneStore } from './lane-store';
import { IN_STATUS_INDEX } from '../db/run-store';

export interface LaneCommandDeps {
  sqlite: Database.Database;
  laneStore: LaneStore;
  store: Pick<RunStore, 'activeInLane'>;
  taskStore: Pick<TaskStore, 'usingLane'>;
  clock: Clock;
  events: Pick<EventBus, 'emit'>;
  loop: Pick<WriteLoop, 'lane' | 'lanes' | 'hasLane' | 'laneNames' | 'addLane' | 'removeLane' | 'wake' | 'flush'>;
}

type LaneHandlers = Pick<Handlers, 'listLanes' | 'createLane' | 'updateLane' | 'pauseLane' | 'resumeLane' | 'pauseAll'
  | 'resumeAll' | 'deleteLane'>;

export function laneCommands(d: LaneCommandDeps): LaneHandlers {
  const { loop, laneStore, sqlite } = d;
  const queuedIn = sqlite.prepare<[string], number>(`SELECT COUNT(*) FROM runs WHERE lane = ? AND status = 'queued' AND ${IN_STATUS_INDEX}`).pluck();

  // A lane's running count is its slots in memory, freed when an attempt settles; the flush
  // writes (and announces) those ends, so a lane is described only after one: an answer
  // then agrees with the events up to its seq.
  const info = (lane: Lane): LaneInfo => lane.info(queuedIn.get(lane.name) ?? 0);
  const described = (lanes: Lane[]): LaneInfo[] => { loop.flush(); return lanes.map(info); };
  const describe = (lane: Lane): LaneInfo => described([lane])[0];
  const changed = (name: string, deleted = false) => d.events.emit(ev.laneChanged(name, deleted));
  const get = (name: string): Lane => {
    assertLane(loop, name, 'name');
    return loop.lane(name)!;
  };
  const setPaused = (all: Lane[], paused: boolean) => {
    // A lane already paused stays as it is (a failure's reason is kept: pause all does not
    // erase why a lane stopped by itself).
    const targets = paused ? all.filter((l) => !l.paused) : all;
    sqlite.transaction(() => {
      for (const lane of targets) laneStore.update({ ...lane.config(), paused, pausedReason: null });
    })();
    for (const lane of targets) {
      if (paused) lane.pause(); else lane.resume();
      changed(lane.name);
      if (!paused) loop.wake(lane);
    }
  };

  return {
    listLanes: () => described(loop.lanes()),

    createLane(req) {
      if (loop.hasLane(req.name)) throw new TasklaneError('LANE_EXISTS', `lane '${req.name}' already exists`, 'name');
      const config = { name: req.name, concurrency: req.concurrency, rateLimit: req.rateLimit, paused: false, createdAt: d.clock.now(),
        pauseOnFailure: req.pauseOnFailure, pausedReason: null };
      laneStore.insert(config);
      const lane = loop.addLane(config);
      changed(lane.name);
      return describe(lane);
    },

    /** Concurrency and rate limit take effect at once: more slots claim more runs now. */
    updateLane(req) {
      const lane = get(req.name);
      const concurrency = req.concurrency ?? lane.concurrency;
      const rateLimit = req.rateLimit === undefined ? lane.rateLimit : req.rateLimit;
      const pauseOnFailure = req.pauseOnFailure ?? lane.pauseOnFailure;
      laneStore.update({ ...lane.config(), concurrency, rateLimit, pauseOnFailure });
      lane.configure(concurrency, rateLimit, pauseOnFailure);
      changed(lane.name);
      loop.wake(lane);
      return describe(lane);
    },

    pauseLane({ name }) {
      const lane = get(name);
      setPaused([lane], true);
      return describe(lane);
    },

    resumeLane({ name }) {
      const lane = get(name);
      setPaused([lane], false);
      return describe(lane);
    },

    pauseAll() {
      setPaused(loop.lanes(), true);
      return described(loop.lanes());
    },

    resumeAll() {
      setPaused(loop.lanes(), false);
      return described(loop.lanes());
    },

    deleteLane({ name }) {
      get(name);
      if (name === DEFAULT_LANE) throw new TasklaneError('LANE_PROTECTED', `lane '${name}' cannot be deleted; runs go there by default`, 'name');
      const active = d.store.activeInLane(name);
      if (active) {
        throw new TasklaneError('LANE_NOT_EMPTY', `lane '${name}' still has ${active} run(s) waiting or running; cancel them or let them finish first`, 'name');
      }
      const tasks = d.taskStore.usingLane(name);
      if (tasks) throw new TasklaneError('LANE_NOT_EMPTY', `lane '${name}' is used by ${tasks} task(s); move them to another lane first`, 'name');
      laneStore.delete(name);
      loop.removeLane(name);
      changed(name, true);
      return { name };
    },
  };
}
