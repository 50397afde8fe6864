import {
  createPermission,
  Permission,
} from '@backstage/plugin-permission-common';

/**
 * Read recovery metrics and incidents of an entity. Resource permission on
 * catalog entities, checked (with the catalog's own visibility) for every
 * entity a read answers for: a denied entity is answered as one the caller
 * cannot see.
 *
 * @public
 */
export const mttrReadPermission = createPermission({
  name: 'mttr.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * Request just-in-time access to a target of an entity.
 *
 * @public
 */
export const mttrAccessRequestPermission = createPermission({
  name: 'mttr.access.request',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Approve or deny access requests for an entity.
 *
 * @public
 */
export const mttrAccessApprovePermission = createPermission({
  name: 'mttr.access.approve',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Verify the audit trail of just-in-time access
 * (`GET /api/mttr/access-audit/verify`), which reads the whole chain of
 * every request's changes. Basic permission.
 *
 * @public
 */
export const mttrAccessAuditPermission = createPermission({
  name: 'mttr.access.audit',
  attributes: { action: 'read' },
});

/**
 * Manage stored incident-to-entity mappings (admin).
 *
 * @public
 */
export const mttrMappingsManagePermission = createPermission({
  name: 'mttr.mappings.manage',
  attributes: { action: 'update' },
});

/**
 * Every permission of the mttr plugins.
 *
 * @public
 */
export const mttrPermissions: Permission[] = [
  mttrReadPermission,
  mttrAccessRequestPermission,
  mttrAccessApprovePermission,
  mttrAccessAuditPermission,
  mttrMappingsManagePermission,
];
