import { describePublicApi } from '@strongroom/testkit'
import * as entry from './index.js'

describePublicApi('@strongroom/custody', entry, new URL('./index.ts', import.meta.url))
