import { describePublicApi } from '@strongroom/testkit'
import * as entry from './index.js'

describePublicApi('@strongroom/core', entry, new URL('./index.ts', import.meta.url))
