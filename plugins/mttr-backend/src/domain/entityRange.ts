/** An entity and a span of time, [fromMs, toMs). */
export interface EntityRange {
  entityRef: string;
  fromMs: number;
  toMs: number;
}
