// Timer work never overlaps itself, and stopping waits for the tick still running (shutdown must
// not close the store under a sweep that is writing).
import { expect, it } from 'vitest';
import { Periodic } from '../src/periodic.js';

it('a slow tick is not joined by the next; stop waits for the running one and ends the ticks', async () => {
  let running = 0;
  let most = 0;
  let ticks = 0;
  let release: (() => void) | undefined;
  const periodic = new Periodic(
    async () => {
      ticks++;
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => (release = resolve));
      running--;
    },
    5,
    () => undefined,
  );
  await expect.poll(() => ticks).toBe(1);
  // Many intervals pass while the first tick is held.
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(ticks).toBe(1);
  let stopped = false;
  const stopping = periodic.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(stopped).toBe(false);
  release!();
  await stopping;
  expect(running).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect({ ticks, most }).toEqual({ ticks: 1, most: 1 });
});

it('a failing tick is reported and the next one runs', async () => {
  const errors: unknown[] = [];
  let ticks = 0;
  const periodic = new Periodic(
    async () => {
      ticks++;
      throw new Error(`tick ${ticks}`);
    },
    5,
    (err) => errors.push(err),
  );
  await expect.poll(() => ticks).toBeGreaterThanOrEqual(2);
  await periodic.stop();
  expect((errors[0] as Error).message).toBe('tick 1');
});
