"""The letter abbreviations of the provinces (อักษรย่อจังหวัด) that official letter
numbers begin with ("ที่ ลป ๐๐๑๙.๔/ว ..."), after the Regulation on Correspondence.

Keyed by the province code of the org tree. Bangkok has no CDD office but is listed
for completeness. An office whose register uses another prefix edits its own code
on the letter settings page; this table only gives the first default.
"""

from __future__ import annotations

PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "10": "กท", "11": "สป", "12": "นบ", "13": "ปท", "14": "อย", "15": "อท", "16": "ลบ",
    "17": "สห", "18": "ชน", "19": "สบ", "20": "ชบ", "21": "รย", "22": "จบ", "23": "ตร",
    "24": "ฉช", "25": "ปจ", "26": "นย", "27": "สก", "30": "นม", "31": "บร", "32": "สร",
    "33": "ศก", "34": "อบ", "35": "ยส", "36": "ชย", "37": "อจ", "38": "บก", "39": "นภ",
    "40": "ขก", "41": "อด", "42": "ลย", "43": "นค", "44": "มค", "45": "รอ", "46": "กส",
    "47": "สน", "48": "นพ", "49": "มห", "50": "ชม", "51": "ลพ", "52": "ลป", "53": "อต",
    "54": "พร", "55": "นน", "56": "พย", "57": "ชร", "58": "มส", "60": "นว", "61": "อน",
    "62": "กพ", "63": "ตก", "64": "สท", "65": "พล", "66": "พจ", "67": "พช", "70": "รบ",
    "71": "กจ", "72": "สพ", "73": "นฐ", "74": "สค", "75": "สส", "76": "พบ", "77": "ปข",
    "80": "นศ", "81": "กบ", "82": "พง", "83": "ภก", "84": "สฎ", "85": "รน", "86": "ชพ",
    "90": "สข", "91": "สต", "92": "ตง", "93": "พท", "94": "ปน", "95": "ยล", "96": "นธ",
}  # fmt: skip

# The department's own code in the numbering of the Ministry of Interior, as in both seeds.
CDD_CODE = "๐๐๑๙"


def default_letter_code(province_code: str, province_name: str = "") -> str:
    """ "ลป ๐๐๑๙": the province's abbreviation and the department's code. An unknown
    province gets the first two letters of its name, to be corrected by the office."""
    abbreviation = PROVINCE_ABBREVIATIONS.get(province_code) or province_name[:2]
    return f"{abbreviation} {CDD_CODE}".strip()
