// Commands on lanes: create, configure (live), pause, resume, delete when empty.
import { createLaneInput, emptyInput, laneByName, updateLaneInput } from '../api/schemas';
import type { Lane } from '../api/types';
import type { EngineCore } from '../engine';
import { TasklaneError } from '../errors';
import { parseInput } from '../util/validate';
import { assertLane } from '../runs/enqueue';
import type { LaneRunner } from './lane';
import { DEFAULT_LANE } from './lane-store';
import { IN_STATUS_INDEX } from '../db/run-store';

export function laneCommands(core: EngineCore) {
  const { lanes, laneStore, sqlite } = core;
  const queuedIn = sqlite.prepare<[string], number>(`SELECT COUNT(*) FROM runs WHERE lane = ? AND status = 'queued' AND ${IN_STATUS_INDEX}`).pluck();

  const info = (lane: LaneRunner): Lane => lane.info(queuedIn.get(lane.name) ?? 0);
  const changed = (name: string, deleted = false) =>
    core.emit([{ type: 'lane.changed', lane: name, deleted }]);
  const get = (name: string): LaneRunner => {
    assertLane(lanes, name, 'name');
    return lanes.get(name)!;
  };
  const save = (lane: LaneRunner) => laneStore.update({
    name: lane.name, concurrency: lane.concurrency, rateLimit: lane.rateLimit, paused: lane.paused, createdAt: lane.createdAt,
  });
  const setPaused = (targets: LaneRunner[], paused: boolean) => {
    sqlite.transaction(() => {
      for (const lane of targets) {
        lane.paused = paused;
        save(lane);
      }
    })();
    for (const lane of targets) {
      changed(lane.name);
      if (!paused) core.wakeLane(lane);
    }
  };

  return {
    listLanes(input?: unknown): Lane[] {
      core.assertOpen();
      parseInput(emptyInput, input);
      return [...lanes.values()].map(info);
    },

    createLane(input: unknown): Lane {
      core.assertOpen();
      const req = parseInput(createLaneInput, input);
      if (lanes.has(req.name)) throw new TasklaneError('LANE_EXISTS', `lane '${req.name}' already exists`, 'name');
      const config = { name: req.name, concurrency: req.concurrency, rateLimit: req.rateLimit, paused: false, createdAt: core.clock.now() };
      laneStore.insert(config);
      const lane = core.addLane(config);
      changed(lane.name);
      return info(lane);
    },

    /** Concurrency and rate limit take effect at once: more slots claim more runs now. */
    updateLane(input: unknown): Lane {
      core.assertOpen();
      const req = parseInput(updateLaneInput, input);
      const lane = get(req.name);
      lane.configure(req.concurrency ?? lane.concurrency, req.rateLimit === undefined ? lane.rateLimit : req.rateLimit);
      save(lane);
      changed(lane.name);
      core.wakeLane(lane);
      return info(lane);
    },

    pauseLane(input: unknown): Lane {
      core.assertOpen();
      const lane = get(parseInput(laneByName, input).name);
      setPaused([lane], true);
      return info(lane);
    },

    resumeLane(input: unknown): Lane {
      core.assertOpen();
      const lane = get(parseInput(laneByName, input).name);
      setPaused([lane], false);
      return info(lane);
    },

    pauseAll(input?: unknown): Lane[] {
      core.assertOpen();
      parseInput(emptyInput, input);
      setPaused([...lanes.values()], true);
      return [...lanes.values()].map(info);
    },

    resumeAll(input?: unknown): Lane[] {
      core.assertOpen();
      parseInput(emptyInput, input);
      setPaused([...lanes.values()], false);
      return [...lanes.values()].map(info);
    },

    deleteLane(input: unknown): { name: string } {
      core.assertOpen();
      const { name } = parseInput(laneByName, input);
      get(name);
      if (name === DEFAULT_LANE) throw new TasklaneError('LANE_PROTECTED', `lane '${name}' cannot be deleted; runs go there by default`, 'name');
      const active = core.store.activeInLane(name);
      if (active) {
        throw new TasklaneError('LANE_NOT_EMPTY', `lane '${name}' still has ${active} run(s) waiting or running; cancel them or let them finish first`, 'name');
      }
      const tasks = core.taskStore.usingLane(name);
      if (tasks) throw new TasklaneError('LANE_NOT_EMPTY', `lane '${name}' is used by ${tasks} task(s); move them to another lane first`, 'name');
      laneStore.delete(name);
      lanes.delete(name);
      changed(name, true);
      return { name };
    },
  };
}
