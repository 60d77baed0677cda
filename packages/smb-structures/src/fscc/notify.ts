/** MS-FSCC 2.7.1 FILE_NOTIFY_INFORMATION: the SMB2 CHANGE_NOTIFY output, a 4-byte aligned chain. */
import { lengthOf, nextEntryOffset } from "../codec/fields.js";
import { u32 } from "../codec/primitives.js";
import { type Decoded, struct } from "../codec/struct.js";
import { chain, utf16 } from "../codec/variable.js";

export const FileNotifyInformationEntry = struct(
  "FILE_NOTIFY_INFORMATION",
  {
    nextEntryOffset: nextEntryOffset(),
    /** See FileAction. */
    action: u32,
    fileNameLength: lengthOf("fileName", u32),
    fileName: utf16(),
  },
  { offsetsFrom: "self", spec: "MS-FSCC 2.7.1" },
);
export const FileNotifyInformation = chain(FileNotifyInformationEntry, { entryAlign: 4 });
export type FileNotifyInformationValue = Decoded<typeof FileNotifyInformationEntry.fields>;
