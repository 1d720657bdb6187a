declare const brand: unique symbol

/**
 * A nominal type: `Brand<bigint, 'BTC'>` is a bigint that the type checker will not confuse
 * with an amount of another asset. Brands exist only at compile time.
 */
export type Brand<base, tag extends string> = base & { readonly [brand]: tag }
