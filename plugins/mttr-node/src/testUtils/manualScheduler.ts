import {
  coreServices,
  createServiceFactory,
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
  ServiceFactory,
} from '@backstage/backend-plugin-api';

/**
 * A scheduler for `startTestBackend` that runs nothing on its own: the
 * plugin and its modules schedule their tasks as usual, and a test runs a
 * task when it chooses, to the end, and sees what it did.
 *
 * @public
 */
export interface ManualScheduler {
  /** Pass to `startTestBackend({ features: [...] })`. */
  factory: ServiceFactory<SchedulerService, 'plugin'>;
  /** The ids of the tasks scheduled so far, in the order they came. */
  taskIds(): string[];
  /** Runs the task once and waits for it; throws when none has this id. */
  run(taskId: string): Promise<void>;
}

/**
 * Creates a {@link ManualScheduler}.
 *
 * @public
 */
export function createManualScheduler(): ManualScheduler {
  const tasks = new Map<string, SchedulerServiceTaskInvocationDefinition>();
  const add = (task: SchedulerServiceTaskInvocationDefinition) => {
    tasks.set(task.id, task);
  };
  const run = async (taskId: string) => {
    const task = tasks.get(taskId);
    if (!task) {
      throw new Error(
        `No task '${taskId}' was scheduled; scheduled: ${[...tasks.keys()].join(', ') || 'none'}`,
      );
    }
    await task.fn(new AbortController().signal);
  };
  const scheduler: SchedulerService = {
    async scheduleTask(
      task: SchedulerServiceTaskScheduleDefinition &
        SchedulerServiceTaskInvocationDefinition,
    ) {
      add(task);
    },
    createScheduledTaskRunner() {
      return { run: async task => add(task) };
    },
    triggerTask: run,
    async cancelTask(taskId: string) {
      tasks.delete(taskId);
    },
    async getScheduledTasks() {
      return [];
    },
  };
  return {
    factory: createServiceFactory({
      service: coreServices.scheduler,
      deps: {},
      factory: () => scheduler,
    }),
    taskIds: () => [...tasks.keys()],
    run,
  };
}
