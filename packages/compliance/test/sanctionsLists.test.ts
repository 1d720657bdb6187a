import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  addressKey,
  ComplianceInputError,
  createAddressScreen,
  parseDigitalCurrencyRemarks,
  parseOfacAdvancedXml,
  parseOfacSdnCsv,
  parseOfacSdnXml,
  parseOpenSanctionsEntities,
  parseUnConsolidatedXml,
} from '../src/index.js'
import { compliance, fixture, fixtureJson } from './shared.js'

const csv2021 = () =>
  parseOfacSdnCsv({
    sdn: fixture('ofac_sdn_csv_2021/sdn.csv'),
    comments: fixture('ofac_sdn_csv_2021/sdn_comments.csv'),
    alt: fixture('ofac_sdn_csv_2021/alt.csv'),
  })

/** The independently extracted 2024 lists: ticker → addresses. */
function extractedLists(): Map<string, string[]> {
  const dir = join(compliance.path, 'ofac_sanctioned_addresses')
  const out = new Map<string, string[]>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    out.set(
      file.replace(/^sanctioned_addresses_|\.json$/g, ''),
      fixtureJson<string[]>(`ofac_sanctioned_addresses/${file}`),
    )
  }
  return out
}

describe.skipIf(!compliance.available)('OFAC SDN CSV (2021 snapshot)', () => {
  it('loads every row, alias and digital-currency address', () => {
    const list = csv2021()
    expect(list.parties).toHaveLength(8_976)
    expect(list.orphanComments).toEqual([])
    const unique = new Set(list.addresses.map((a) => `${a.currency} ${a.address}`))
    expect(unique.size).toBe(96)
    const yan = list.parties.find((p) => p.entityId === '25308')!
    expect(yan.name).toBe('YAN, Xiaobing')
    expect(yan.programs).toEqual(['SDNTK'])
    expect(list.addresses.filter((a) => a.entityId === '25308').map((a) => a.address)).toContain(
      '12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h',
    )
    // Aliases from ALT.CSV
    expect(list.parties.find((p) => p.entityId === '306')!.aliases).toContain(
      'NATIONAL BANK OF CUBA',
    )
  })

  it('joins remarks that overflow into SDN_COMMENTS.CSV, even when split mid-word', () => {
    const list = csv2021()
    // Entity 29703's remark ends "…Digital Currency Addres" in sdn.csv and continues with
    // "s - ETH 0x8576…" in the comments file.
    const andreyev = list.addresses.filter((a) => a.entityId === '29703')
    expect(andreyev.map((a) => `${a.currency}:${a.address}`)).toEqual(
      expect.arrayContaining([
        'ETH:0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c',
        'LTC:LWnbjLYUfqeokfbWM4FcU7uk2FP2DSxuWS',
        'ZEC:t1WSKwCDL1QYRRUrCCknEs5tDLhtGVYu9KM',
        'BSV:12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9',
      ]),
    )
    // Without the comments file these are lost.
    const truncated = parseOfacSdnCsv({ sdn: fixture('ofac_sdn_csv_2021/sdn.csv') })
    expect(
      truncated.addresses.filter((a) => a.entityId === '29703').map((a) => a.currency),
    ).not.toContain('ETH')
    expect(truncated.addresses.length).toBeLessThan(list.addresses.length)
  })

  it('agrees with the addresses an independent project extracted (except one OFAC later corrected)', () => {
    const lists = extractedLists()
    const screen = createAddressScreen()
    screen.load({
      source: 'extracted-2024',
      addresses: [...lists].flatMap(([currency, addresses]) =>
        addresses.map((address) => ({ address, currency, entityId: '?' })),
      ),
    })
    const missing = csv2021()
      .addresses.filter((a) => !screen.isSanctioned(a.address))
      .map((a) => a.address)
    // OFAC published this ETH address with 39 hex digits in 2021 and corrected it later.
    expect(new Set(missing).size).toBe(1)
    expect(missing[0]).toMatch(/^0x[0-9a-f]{39}$/i)
    expect(missing[0]!.endsWith('6b5fa20b00')).toBe(true)
    expect(screen.isSanctioned(`${missing[0]}8`)).toBe(true)
  })

  it('reads the 2025 format and reports comment rows without an SDN row', () => {
    const list = parseOfacSdnCsv({
      sdn: fixture('ofac_sdn_csv_2025_partial/sdn.csv'),
      comments: fixture('ofac_sdn_csv_2025_partial/sdn_comments.csv'),
    })
    expect(list.parties).toHaveLength(17)
    expect(list.orphanComments.length).toBe(20)
    expect(list.parties.find((p) => p.entityId === '11195')!.aliases).toContain('HESA')
  })
})

describe.skipIf(!compliance.available)('sanctioned-address screen over the extracted lists', () => {
  it('indexes 641 unique addresses; one address may be listed under several currencies', () => {
    const lists = extractedLists()
    const screen = createAddressScreen()
    screen.load({
      source: 'ofac',
      addresses: [...lists].flatMap(([currency, addresses]) =>
        addresses.map((address) => ({ address, currency, entityId: 'x' })),
      ),
    })
    expect(screen.size).toBe(641)
    const multi = [...lists.values()].flat().filter((a, i, all) => all.indexOf(a) !== i)
    expect(new Set(multi).size).toBe(10)
    const evm = lists.get('ARB')![0]!
    const match = screen.lookup(evm.toUpperCase().replace('0X', '0x'))!
    expect(match.listings.map((l) => l.currency).sort()).toEqual(
      expect.arrayContaining(['ARB', 'BSC', 'ETH']),
    )
    // USDT mixes EVM, Tron and Omni (base58) addresses; base58 is case-sensitive.
    const usdt = lists.get('USDT')!
    const tron = usdt.find((a) => a.startsWith('T'))!
    expect(screen.isSanctioned(tron)).toBe(true)
    expect(screen.isSanctioned(tron.toLowerCase())).toBe(false)
    expect(usdt.some((a) => a.startsWith('0x'))).toBe(true)
    expect(usdt.some((a) => /^[13]/.test(a))).toBe(true)
    // The Tron-looking address OFAC lists under XBT is still found.
    const odd = lists.get('XBT')!.find((a) => a.startsWith('T'))!
    expect(screen.lookup(odd)!.listings[0]!.currency).toBe('XBT')
  })
})

describe('sanctions list updates', () => {
  const sdnRow = (ent: number, name: string, remarks: string) =>
    `${ent},"${name}",-0- ,"CYBER2",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"${remarks}"\r\n`

  it('replaces a source without a restart; a list that fails to parse leaves the previous one in force', () => {
    const screen = createAddressScreen()
    const v1 = parseOfacSdnCsv({
      sdn: sdnRow(1, 'ONE', 'Digital Currency Address - XBT 1BoatSLRHtKNngkdXEeobR76b53LETtpyT.'),
    })
    screen.load(v1)
    expect(screen.isSanctioned('1BoatSLRHtKNngkdXEeobR76b53LETtpyT')).toBe(true)
    const version = screen.version
    const corrupt = `${sdnRow(2, 'TWO', `Digital Currency Address - ETH 0x${'ab'.repeat(20)}`)}3,"BROKEN ROW\r\n`
    const attempt = () => screen.load(parseOfacSdnCsv({ sdn: corrupt }))
    expect(attempt).toThrow(ComplianceInputError)
    try {
      attempt()
    } catch (error) {
      expect((error as ComplianceInputError).code).toBe('COMPLIANCE_LIST_PARSE_FAILED')
      expect((error as ComplianceInputError).path).toEqual(['sdn', 2])
      expect((error as ComplianceInputError).rule).toBe('csv_syntax')
    }
    expect(screen.version).toBe(version)
    expect(screen.isSanctioned('1BoatSLRHtKNngkdXEeobR76b53LETtpyT')).toBe(true)
    const v2 = parseOfacSdnCsv({
      sdn: sdnRow(2, 'TWO', `Digital Currency Address - ETH 0x${'AB'.repeat(20)}`),
    })
    screen.load(v2)
    expect(screen.isSanctioned('1BoatSLRHtKNngkdXEeobR76b53LETtpyT')).toBe(false)
    expect(screen.isSanctioned(`0x${'ab'.repeat(20)}`)).toBe(true)
    expect(screen.sources()).toEqual([{ source: 'ofac-sdn', published: undefined, addresses: 1 }])
  })

  it('names the file, line and column of a malformed CSV', () => {
    const wrongColumns = () => parseOfacSdnCsv({ sdn: '1,"A",-0- \r\n' })
    expect(wrongColumns).toThrow(/sdn\[1\]: has 3 columns, expected 12/)
    const badId = () => parseOfacSdnCsv({ sdn: sdnRow(1, 'A', '-0-').replace(/^1/, 'X1') })
    expect(badId).toThrow(expect.objectContaining({ path: ['sdn', 1, 'ent_num'], rule: 'ent_num' }))
    expect(() => parseOfacSdnCsv({ sdn: '' })).toThrow(expect.objectContaining({ rule: 'empty' }))
    expect(() =>
      parseOfacSdnCsv({ sdn: sdnRow(1, 'A', '-0-'), comments: '1,"x",extra\r\n' }),
    ).toThrow(expect.objectContaining({ path: ['comments', 1], rule: 'column_count' }))
  })

  it('extracts addresses from remarks, with and without alt., ignoring a trailing full stop', () => {
    expect(
      parseDigitalCurrencyRemarks(
        'DOB 1980; Digital Currency Address - XBT 1abc; alt. Digital Currency Address - USDT TXyz; Email Address x@y.z; Digital Currency Address - ETH 0xAbC.',
      ),
    ).toEqual([
      { currency: 'XBT', address: '1abc' },
      { currency: 'USDT', address: 'TXyz' },
      { currency: 'ETH', address: '0xAbC' },
    ])
  })
})

// Hand-written documents in the shapes OFAC publishes (SDN.XML and SDN_ADVANCED.XML).
const SDN_XML = `<?xml version="1.0" standalone="yes"?>
<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation><Publish_Date>11/01/2026</Publish_Date><Record_Count>2</Record_Count></publshInformation>
  <sdnEntry>
    <uid>90001</uid><lastName>EXAMPLE MIXER</lastName><sdnType>Entity</sdnType>
    <programList><program>CYBER2</program><program>DPRK3</program></programList>
    <idList>
      <id><uid>1</uid><idType>Digital Currency Address - ETH</idType><idNumber>0xD90e2f925DA726b50C4Ed8D0Fb90Ad053324F31b</idNumber></id>
      <id><uid>2</uid><idType>Digital Currency Address - XBT</idType><idNumber>bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6</idNumber></id>
      <id><uid>3</uid><idType>Website</idType><idNumber>example.invalid</idNumber></id>
    </idList>
    <akaList><aka><uid>4</uid><type>a.k.a.</type><category>strong</category><lastName>EXAMPLE CASH</lastName></aka></akaList>
  </sdnEntry>
  <sdnEntry>
    <uid>90002</uid><firstName>Jane &amp; Co</firstName><lastName>DOE</lastName><sdnType>Individual</sdnType>
    <programList><program>SDGT</program></programList>
  </sdnEntry>
</sdnList>`

const ADVANCED_XML = `<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML">
  <DateOfIssue><Year>2026</Year></DateOfIssue>
  <ReferenceValueSets>
    <FeatureTypeValues>
      <FeatureType ID="8" FeatureTypeGroupID="1">Birthdate</FeatureType>
      <FeatureType ID="344" FeatureTypeGroupID="1">Digital Currency Address - XBT</FeatureType>
      <FeatureType ID="887" FeatureTypeGroupID="1">Digital Currency Address - USDT</FeatureType>
    </FeatureTypeValues>
  </ReferenceValueSets>
  <DistinctParties>
    <DistinctParty FixedRef="90003">
      <Profile ID="90003" PartySubTypeID="4">
        <Identity ID="1" FixedRef="90003" Primary="true">
          <Alias FixedRef="90003" AliasTypeID="1403" Primary="true">
            <DocumentedName ID="1"><DocumentedNamePart><NamePartValue NamePartGroupID="1">PETROV</NamePartValue></DocumentedNamePart>
            <DocumentedNamePart><NamePartValue NamePartGroupID="2">Ivan</NamePartValue></DocumentedNamePart></DocumentedName>
          </Alias>
          <Alias FixedRef="90003" AliasTypeID="1400" Primary="false">
            <DocumentedName ID="2"><DocumentedNamePart><NamePartValue NamePartGroupID="3">VANYA</NamePartValue></DocumentedNamePart></DocumentedName>
          </Alias>
        </Identity>
        <Feature ID="10" FeatureTypeID="344"><FeatureVersion ID="11"><VersionDetail DetailTypeID="1432">1FfmbHfnpaZjKFvyi1okTjJJusN455paPH</VersionDetail></FeatureVersion></Feature>
        <Feature ID="12" FeatureTypeID="887"><FeatureVersion ID="13"><VersionDetail DetailTypeID="1432">TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE</VersionDetail></FeatureVersion></Feature>
        <Feature ID="14" FeatureTypeID="8"><FeatureVersion ID="15"><VersionDetail DetailTypeID="1430">1970</VersionDetail></FeatureVersion></Feature>
      </Profile>
    </DistinctParty>
  </DistinctParties>
</Sanctions>`

describe('OFAC XML forms', () => {
  it('SDN.XML: idList digital-currency ids, names and aliases', () => {
    const list = parseOfacSdnXml(SDN_XML)
    expect(list.published).toBe('11/01/2026')
    expect(list.addresses).toEqual([
      {
        address: '0xD90e2f925DA726b50C4Ed8D0Fb90Ad053324F31b',
        currency: 'ETH',
        entityId: '90001',
        name: 'EXAMPLE MIXER',
        programs: ['CYBER2', 'DPRK3'],
      },
      {
        address: 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6',
        currency: 'XBT',
        entityId: '90001',
        name: 'EXAMPLE MIXER',
        programs: ['CYBER2', 'DPRK3'],
      },
    ])
    expect(list.parties.map((p) => [p.entityId, p.type, p.name, p.aliases])).toEqual([
      ['90001', 'entity', 'EXAMPLE MIXER', ['EXAMPLE CASH']],
      ['90002', 'individual', 'DOE, Jane & Co', []],
    ])
    const screen = createAddressScreen()
    screen.load(list)
    expect(screen.isSanctioned('0xd90e2f925da726b50c4ed8d0fb90ad053324f31b')).toBe(true)
    expect(screen.isSanctioned('BC1QA5WKGAEW2DKV56KFVJ49J0AV5NML45X9EK9HZ6')).toBe(true)
  })

  it('SDN_ADVANCED.XML: features typed through the reference value sets', () => {
    const list = parseOfacAdvancedXml(ADVANCED_XML)
    expect(list.addresses.map((a) => [a.currency, a.address, a.entityId, a.name])).toEqual([
      ['XBT', '1FfmbHfnpaZjKFvyi1okTjJJusN455paPH', '90003', 'PETROV Ivan'],
      ['USDT', 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE', '90003', 'PETROV Ivan'],
    ])
    expect(list.parties).toEqual([
      {
        entityId: '90003',
        type: 'individual',
        name: 'PETROV Ivan',
        aliases: ['VANYA'],
        programs: [],
      },
    ])
  })

  it('malformed XML names the line, column and element path; another document kind is refused', () => {
    const broken = SDN_XML.replace('</programList>', '</programLst>')
    expect(() => parseOfacSdnXml(broken)).toThrow(
      expect.objectContaining({
        code: 'COMPLIANCE_LIST_PARSE_FAILED',
        rule: 'xml_syntax',
        path: ['sdn.xml', 'sdnList', 'sdnEntry', 'programList'],
      }),
    )
    expect(() => parseOfacSdnXml(broken)).toThrow(/line 6, column 67/)
    expect(() => parseOfacSdnXml(ADVANCED_XML)).toThrow(expect.objectContaining({ rule: 'format' }))
    expect(() => parseOfacAdvancedXml('<sdnList/>')).toThrow(
      expect.objectContaining({ rule: 'format' }),
    )
    expect(() => parseOfacSdnXml('<sdnList><a></sdnList>')).toThrow(/does not match/)
    expect(() => parseOfacSdnXml('')).toThrow(/no root element/)
  })
})

describe('OpenSanctions CryptoWallet entities', () => {
  const lines = [
    {
      id: 'NK-holder',
      schema: 'Organization',
      properties: { name: ['Lazarus Group'], alias: ['Hidden Cobra'] },
      datasets: ['us_ofac_sdn'],
    },
    {
      id: 'wallet-1',
      schema: 'CryptoWallet',
      properties: {
        publicKey: ['0x098B716B8Aaf21512996dC57EB0615e2383E2f96'],
        currency: ['ETH'],
        holder: ['NK-holder'],
      },
      datasets: ['us_ofac_sdn'],
    },
    {
      id: 'wallet-2',
      schema: 'CryptoWallet',
      properties: {
        publicKey: ['bc1qchsgh3jmpxvxhjp2ztsugs3lz5ue7zmx8xm6p0'],
        currency: ['btc'],
        holder: [{ id: 'nested', schema: 'Person', properties: { name: ['Nested Holder'] } }],
      },
    },
  ]

  it('loads wallets with their holders from JSON lines', () => {
    const list = parseOpenSanctionsEntities(lines.map((l) => JSON.stringify(l)).join('\n'))
    expect(list.addresses).toEqual([
      {
        address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96',
        currency: 'ETH',
        entityId: 'NK-holder',
        name: 'Lazarus Group',
        programs: ['us_ofac_sdn'],
      },
      {
        address: 'bc1qchsgh3jmpxvxhjp2ztsugs3lz5ue7zmx8xm6p0',
        currency: 'BTC',
        entityId: 'nested',
        name: 'Nested Holder',
        programs: [],
      },
    ])
    expect(list.parties.map((p) => [p.name, p.aliases])).toEqual([
      ['Lazarus Group', ['Hidden Cobra']],
      ['Nested Holder', []],
    ])
    expect(parseOpenSanctionsEntities(JSON.stringify(lines)).addresses).toHaveLength(2)
  })

  it('names the line of a broken entity', () => {
    expect(() => parseOpenSanctionsEntities(`${JSON.stringify(lines[0])}\n{not json`)).toThrow(
      expect.objectContaining({ path: ['entities', 2], rule: 'json' }),
    )
    expect(() =>
      parseOpenSanctionsEntities(
        JSON.stringify({ id: 'w', schema: 'CryptoWallet', properties: { currency: ['ETH'] } }),
      ),
    ).toThrow(
      expect.objectContaining({ path: ['entities', 1, 'properties.publicKey'], rule: 'required' }),
    )
  })
})

describe.skipIf(!compliance.available)('UN consolidated list', () => {
  it('loads 730 individuals and 273 entities with aliases and original-script names', () => {
    const list = parseUnConsolidatedXml(fixture('name_matching/un_consolidated_2026-02-27.xml'))
    expect(list.published).toBe('2026-02-27T00:00:09.554Z')
    expect(list.parties.filter((p) => p.type === 'individual')).toHaveLength(730)
    expect(list.parties.filter((p) => p.type === 'entity')).toHaveLength(273)
    const kakolele = list.parties.find((p) => p.entityId === 'CDi.002')!
    expect(kakolele.name).toBe('FRANK KAKOLELE BWAMBALE')
    expect(kakolele.aliases).toContain('FRANK KAKORERE')
    expect(list.parties.some((p) => p.aliases.includes('صدام حسين التكريتي'))).toBe(true)
  })
})

describe('address keys', () => {
  it('one comparison key per address across spellings', () => {
    expect(addressKey('0xAbCdEf0123456789aBcDeF0123456789AbCdEf01')).toBe(
      '0xabcdef0123456789abcdef0123456789abcdef01',
    )
    expect(addressKey('BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ')).toBe(
      'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
    )
    expect(addressKey('bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a')).toBe(
      'qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a',
    )
    expect(addressKey('1BoatSLRHtKNngkdXEeobR76b53LETtpyT')).toBe(
      '1BoatSLRHtKNngkdXEeobR76b53LETtpyT',
    )
  })
})
