export { EntityMttrContent } from './EntityMttrContent';
export type { EntityMttrContentProps } from './EntityMttrContent';
