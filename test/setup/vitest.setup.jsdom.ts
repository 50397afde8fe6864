import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// With `globals: true` Testing Library unmounts after each test by itself;
// doing it explicitly keeps the behaviour when a project turns globals off.
afterEach(() => {
  cleanup();
});
