export { AccessRequestButtons } from './AccessRequestButtons';
