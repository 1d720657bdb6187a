export { isCI, type Requirement, settle } from './ci.js'
export { requireServices, type ServiceName, serviceEndpoints } from './services.js'
export { requireSharedTestdata, sharedTestdataDir } from './sharedTestdata.js'
export { createTempDir } from './tempDir.js'
