// TEMPORARY placeholder (foundation, uncommitted): lets the portal start until
// the Alertmanager module brings its real config schema.
export interface Config {}
