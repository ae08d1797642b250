export * from './errors.js';
export * from './common.js';
export * from './roles.js';
export * from './auth.js';
export * from './users.js';
export * from './departments.js';
export * from './api-tokens.js';
export * from './audit.js';
