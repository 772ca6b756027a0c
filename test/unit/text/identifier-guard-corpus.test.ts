/**
 * The minimum-necessary guard's corpus (issue 19): every planted identifier is caught, with the
 * characters it spans, and none of the clinical numbers a ward writes all day is flagged. A
 * sentence marks each identifier as [[kind|text]]; the scan must find exactly those, no more.
 */
import { describe, expect, it } from 'vitest';
import type { IdentifierKind } from '../../../shared/text/identifier-guard/identifier-kinds';
import { findIdentifiers } from '../../../shared/text/identifier-guard/identifier-scan';
import { parseMrnFormats } from '../../../shared/text/identifier-guard/mrn-format';

const NOW = Date.UTC(2026, 5, 1, 9, 30);
const formats = parseMrnFormats('M#######;RX-###-###');
if (!formats.ok) throw new Error(formats.error);
const context = { now: NOW, mrnFormats: formats.value };

/** The text without marks, and each marked identifier with its kind. */
function planted(sentence: string): { text: string; expected: [IdentifierKind, string][] } {
  const expected: [IdentifierKind, string][] = [];
  const text = sentence.replace(/\[\[([a-z-]+)\|(.+?)\]\]/g, (_whole, kind: string, value: string) => {
    expected.push([kind as IdentifierKind, value]);
    return value;
  });
  return { text, expected };
}

function found(text: string): [IdentifierKind, string][] {
  return findIdentifiers(text, context).flatMap(({ kind, spans }) =>
    spans.map((span): [IdentifierKind, string] => [kind, text.slice(span.start, span.end)]),
  );
}

const sorted = (pairs: [IdentifierKind, string][]) => [...pairs].sort((a, b) => (a.join() < b.join() ? -1 : 1));

const PLANTED: Record<IdentifierKind, readonly string[]> = {
  ssn: [
    'SSN [[ssn|123-45-6789]] for the insurance form',
    'social security number: [[ssn|219 09 9999]]',
    'his SS# [[ssn|078051120]]',
    'Soc sec no [[ssn|536-22-1234]], please file',
    'card says [[ssn|123-45-6789]].',
    '([[ssn|457-55-5462]])',
    'ssn is [[ssn|321-54-9876]]',
  ],
  'card-number': [
    'Visa [[card-number|4111 1111 1111 1111]] for the parking refund',
    'card [[card-number|4111-1111-1111-1111]] exp 09/28',
    'paid with [[card-number|5500005555555559]]',
    'Amex [[card-number|3782 822463 10005]]',
    'Diners [[card-number|3056 930902 5904]]',
    'card no. [[card-number|6011000990139424]].',
    '19 digits: [[card-number|4111 1111 1111 1111 003]]',
  ],
  mrn: [
    'MRN [[mrn|00123456]] to theatre',
    'MRN: [[mrn|A7734521]]',
    'hospital number [[mrn|4477821]] for the ECG request',
    'medical record # [[mrn|99-10-2231]]',
    'Pt ID [[mrn|PT55821]]',
    'chart no. [[mrn|C-1182234]]',
    'URN [[mrn|88120934]]',
    'bed 4 is [[mrn|M1234567]] now',
    'transferred [[mrn|m7654321]] to ICU',
    'pharmacy ref [[mrn|RX-123-456]]',
  ],
  'date-of-birth': [
    'DOB [[date-of-birth|12/03/1948]]',
    'D.O.B. [[date-of-birth|3-12-48]]',
    'date of birth: [[date-of-birth|1951-07-30]]',
    'born [[date-of-birth|March 12, 1948]] in Leeds',
    'born on [[date-of-birth|4th July 2019]]',
    'dob [[date-of-birth|12 Mar 2024]] (infant)',
    'birthdate [[date-of-birth|30.01.1962]]',
    'Mrs K, [[date-of-birth|14/02/1937]], for review',
    'pt [[date-of-birth|1944-11-02]] came in overnight',
    'Mr T [[date-of-birth|02 January 1959]] chest pain',
    'DOB:[[date-of-birth|7/4/76]]',
  ],
  phone: [
    'daughter on [[phone|(212) 555-0143]]',
    'call back [[phone|212-555-0143]]',
    'wife [[phone|212.555.0143]]',
    'GP surgery [[phone|+1 212 555 0143]]',
    'son in the UK [[phone|+44 20 7946 0958]]',
    'brother [[phone|+33 1 42 68 53 00]]',
    'mobile [[phone|2125550143]]',
    'call [[phone|555-0143]] after 6',
    'home phone [[phone|555.0143]]',
    'text her on [[phone|+61 412 345 678]]',
    'tel: [[phone|1-800-555-0199]]',
  ],
  email: [
    'send it to [[email|j.doe@example.org]]',
    'family email [[email|mary_smith+ward@mail.example.co.uk]].',
    '<[[email|k.okafor@hospital.example]]>',
  ],
  'street-address': [
    'lives at [[street-address|12 Oak Street]] with his wife',
    'home: [[street-address|221B Baker Street]]',
    '[[street-address|1600 Pennsylvania Avenue]] NW',
    'discharge to [[street-address|45 Elm Rd]], Springfield',
    'address: [[street-address|9 West 42nd Street]]',
    'lives at [[street-address|14 acacia close]]',
    'post to [[street-address|PO Box 4410]]',
    'moved to [[street-address|3 Martin Luther King Jr Blvd]]',
    'resides at [[street-address|77 Harbour View]], flat 2',
  ],
};

/** Several identifiers in one message, as they come. */
const MIXED = [
  'Mr [[mrn|M4455667]] DOB [[date-of-birth|01/02/1950]], SSN [[ssn|123-45-6789]], wife on [[phone|(617) 555-0199]]',
  'Re: [[email|jane.roe@example.com]] asked about [[street-address|8 Cedar Lane]]; card [[card-number|4111111111111111]]',
  'Obs: BP 150/95, HR 104, T 38.4. Family: [[phone|+44 7700 900123]], DOB [[date-of-birth|22 Aug 1940]].',
];

/** Clinical numbers, times and places that must not trip the guard. */
const CLINICAL = [
  // doses
  'give 5 mg IV now',
  'enoxaparin 0.5 mg/kg BD',
  'heparin 5000 units SC',
  'insulin 10 units at 22:00',
  'paracetamol 1 g QDS, max 4 g in 24 h',
  'gentamicin 320 mg once daily, level at 06:00',
  'IV fluids 1000 mL over 8 h then 125 mL/h',
  'adrenaline 1:1000 0.5 mL IM',
  'amoxicillin 500 mg TDS x 7/7',
  'morphine 2.5-5 mg PRN 1-2 hourly',
  'vancomycin 1.5 g q12h, trough 15-20',
  // vitals
  'BP 120/80 HR 110 RR 22 SpO2 92% T 38.2',
  'BP 90/60 MAP 70, on 4 L O2',
  'obs: 37.2 110 22 130/85 96% on RA',
  'sats 92-94% target, FiO2 0.4, PEEP 5',
  'GCS 15, then E3V4M5 at 03:15',
  'NEWS2 7 at 14:30, escalated',
  'weight 72.5 kg, height 168 cm, BMI 25.7',
  'urine output 30 mL/h over 4 h',
  'pain 6/10, power 4/5 left arm',
  // beds and places
  'Bed 12, Ward 7B',
  'Bay 3 bed 4 needs a review',
  'side room 2 on Ward 12 North',
  'Room 1204, level 3',
  'transfer to ICU bed 21 at 16:00',
  // times and dates of care
  'CT at 14:30 today',
  'review at 2pm, then at 08:00-20:00 hourly',
  'seen 12/03, bloods repeated 13/03',
  'admitted 03/01/2026 with CAP',
  'op on 2026-05-28, day 4 post-op',
  'LMP 02/05/2026',
  'last seen 1 May 2026 in clinic',
  'prior MI 03/2015, CABG 2009',
  'born at 32 weeks, now 6 days old',
  // labs
  'K+ 6.1, Na 128, Cr 210, Ur 12.4',
  'INR 2.3 (target 2-3)',
  'Hb 85 g/L, plt 19 x10^9/L, WCC 12.3',
  'CRP 145, PCT 2.1, lactate 4.2',
  'troponin 1234 ng/L then 2456 ng/L',
  'ABG pH 7.31 pCO2 6.2 pO2 8.1 HCO3 18 BE -6',
  'HbA1c 48 mmol/mol, eGFR 45',
  'BNP 4500, TSH 0.02',
  'glucose 5.6 mmol/L at 07:45',
  'ref range 3.5-5.0 mmol/L',
  // ECG
  'QTc 480',
  'ECG: PR 160 ms, QRS 90 ms, QTc 480 ms, rate 72',
  '12-lead ECG at 09:10',
  // phones that are internal
  'bleep 4411',
  'ext 2345',
  'call bleep 4411 or ext 2345',
  'switchboard 0 then 4411',
  'pager 4-4411',
  // people and titles that are not addresses
  'Called 2 Cardiology Dr Patel, happy to review',
  'spoke to St John ambulance crew',
  'discussed with 3 Medical Reg',
  'Dr Okafor on call, St Thomas ward',
  // everything else a ward says with numbers
  'version 2.3.1 of the protocol',
  'CPR 2 cycles, ROSC at 14:42',
  'lot 12345 expires 2027',
  '2-3 days, then review',
  'fluid balance +1200 mL',
  'drain 150 mL serous in 24 h',
  'NBM from 00:00, theatre list 3rd',
  'phone ext 2345 for results',
  'score 123-45 on the audit tool',
  'tidal volume 450 mL, RR 14, Pmax 28',
  'platelets 150 000',
  'sodium 135 potassium 4.1 chloride 102 bicarbonate 24',
  '2 units RBC, then Hb 95',
  'room 312-B',
  'PSA 4.1 -> 6.8 -> 12.3',
  'Hb trend 120 110 95 85',
  'DNACPR signed 28/05/2026',
  'wound 3 x 4 cm',
];

describe('the minimum-necessary guard corpus', () => {
  for (const [kind, sentences] of Object.entries(PLANTED)) {
    it(`catches every planted ${kind}`, () => {
      for (const sentence of sentences) {
        const { text, expected } = planted(sentence);
        expect(sorted(found(text)), text).toEqual(sorted(expected));
      }
    });
  }

  it('catches each identifier in a message that holds several', () => {
    for (const sentence of MIXED) {
      const { text, expected } = planted(sentence);
      expect(sorted(found(text)), text).toEqual(sorted(expected));
    }
  });

  it('flags none of the clinical numbers', () => {
    const flagged = CLINICAL.filter((text) => found(text).length > 0).map((text) => [text, found(text)]);
    expect(flagged).toEqual([]);
  });

  it('flags none of them run together into one long handover either', () => {
    expect(found(CLINICAL.join('. '))).toEqual([]);
    expect(found(CLINICAL.join('\n'))).toEqual([]);
  });

  it('counts each kind, in the catalogue order', () => {
    const text = 'call 212-555-0143 or 212-555-0199; SSN 123-45-6789';
    expect(findIdentifiers(text, context).map(({ kind, count }) => ({ kind, count }))).toEqual([
      { kind: 'ssn', count: 1 },
      { kind: 'phone', count: 2 },
    ]);
  });
});
