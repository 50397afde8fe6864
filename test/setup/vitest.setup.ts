import { vi } from 'vitest';

// The Backstage test helpers were written for Jest: mockServices.*.mock() and
// mockApis.*.mock() call `jest.fn()`. vitest's `vi` has the same surface for
// what they use, so lend it under the name they expect.
(globalThis as unknown as { jest: typeof vi }).jest = vi;
