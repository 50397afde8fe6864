export { EntityMttrCard } from './EntityMttrCard';
export type { EntityMttrCardProps } from './EntityMttrCard';
