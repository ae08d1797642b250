import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, detectDateFormat, parseDay } from './date-parse.js';
import { detectDelimiter, splitRecord } from '../tabular/delimited.js';

describe('date parsing', () => {
  it('reads ISO with or without time, yyyymmdd, yyyy/m/d, m/d/yyyy and d/m/yyyy', () => {
    const d = daysFromCivil(2010, 12, 1);
    expect(civilFromDays(d)).toBe('2010-12-01');
    expect(parseDay('2010-12-01', 'iso')).toBe(d);
    expect(parseDay('2010-12-01 08:26:00', 'iso')).toBe(d);
    expect(parseDay('2010-12-01T08:26Z', 'iso')).toBe(d);
    expect(parseDay('20101201', 'yyyymmdd')).toBe(d);
    expect(parseDay('2010/12/1', 'y/m/d')).toBe(d);
    expect(parseDay('12/1/2010 8:26', 'm/d/y')).toBe(d);
    expect(parseDay('1/12/2010', 'd/m/y')).toBe(d);
    expect(parseDay('01.12.2010', 'd.m.y')).toBe(d);
    expect(parseDay('40513', 'excel')).toBe(d);
    expect(parseDay('2011-02-29', 'iso')).toBeNaN();
    expect(parseDay('2012-02-29', 'iso')).toBe(daysFromCivil(2012, 2, 29));
    expect(parseDay('13/1/2010', 'm/d/y')).toBeNaN();
  });

  it('detects the format and refuses to guess between m/d and d/m', () => {
    expect(detectDateFormat(['2010-12-01 08:26:00', '2011-01-02 10:00:00'], false)).toBe('iso');
    expect(detectDateFormat(['19970101', '19970112'], false)).toBe('yyyymmdd');
    expect(detectDateFormat(['12/1/2010 8:26', '12/13/2010 9:00'], false)).toBe('m/d/y');
    expect(detectDateFormat(['13/1/2010', '1/2/2010'], false)).toBe('d/m/y');
    expect(detectDateFormat(['1/2/2010', '3/4/2010'], false)).toBe('ambiguous');
    expect(detectDateFormat(['yesterday'], false)).toBeNull();
    // A bad value among good ones: the majority format, so the bad row is reported by number.
    expect(detectDateFormat(['2020-01-01', '2020-13-45', '2020-01-03'], false)).toBe('iso');
    expect(detectDateFormat(['40513'], true)).toBe('excel');
    expect(detectDateFormat(['40513'], false)).toBeNull();
  });
});

describe('delimited text', () => {
  it('detects comma, semicolon, tab and runs of spaces', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b;"c,d"')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter(' customer_id  date number_of_cds  dollar_value')).toBe('spaces');
  });

  it('splits quoted fields with doubled quotes and delimiters inside', () => {
    expect(splitRecord('1,"a, ""b""",3', ',')).toEqual(['1', 'a, "b"', '3']);
    expect(splitRecord('"x";;"y"', ';')).toEqual(['x', '', 'y']);
    expect(splitRecord('  00001 19970101  1   11.77', 'spaces')).toEqual(['00001', '19970101', '1', '11.77']);
    expect(splitRecord('a,b,', ',')).toEqual(['a', 'b', '']);
  });
});
