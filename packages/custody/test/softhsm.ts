// The SoftHSM2 token helper lives in @strongroom/testkit (the exchange's suites use it too).
export { createSoftHsmToken } from '@strongroom/testkit'
