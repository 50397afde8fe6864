export { MttrComparisonPage } from './MttrComparisonPage';
export type { MttrComparisonPageProps } from './MttrComparisonPage';
export type { ComparisonTab } from './comparisonTabs';
