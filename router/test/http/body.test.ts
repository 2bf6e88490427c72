import { parseByteSize } from "../../src/http/body.js";

describe("parseByteSize (server.bodyLimit)", () => {
  it.each([
    ["4mb", 4 * 1024 ** 2],
    ["512kb", 512 * 1024],
    ["1048576", 1048576],
    ["4MB", 4 * 1024 ** 2],
    ["1.5kb", 1536],
    ["4b", 4],
    ["4 b", 4],
    ["1 mb", 1024 ** 2],
    [" 2gb ", 2 * 1024 ** 3],
    ["1.5", 1],
  ])("reads %j as %d bytes, as the hand-written parser did", (text, n) => {
    expect(parseByteSize(text)).toBe(n);
  });

  it("refuses what is not a size", () => {
    expect(() => parseByteSize("lots")).toThrow('invalid size "lots"');
  });
});
