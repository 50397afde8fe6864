export { accessIncidentActions } from './AccessIncidentActions';
