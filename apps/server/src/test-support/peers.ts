import { ChatSocket } from "@chat/client";
import { ErrorText, Opcode, type ServerPacket } from "@chat/protocol";

/** Opens client sockets to one server and closes them all in afterAll/afterEach. */
export class Peers {
  readonly #open: ChatSocket[] = [];

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** A socket to the server, from `bindAddress` (a 127/8 address standing for a host) if given. */
  async open(bindAddress?: string): Promise<ChatSocket> {
    const { host, port } = this;
    const socket = await ChatSocket.open({ host, port, ...(bindAddress && { bindAddress }) });
    this.#open.push(socket);
    return socket;
  }

  /** A socket that has registered `name` (fails the test on any other answer). */
  async registered(name: string, timeoutMs = 2000): Promise<ChatSocket> {
    const socket = await this.open();
    socket.send({ opcode: Opcode.REGISTER, name });
    const reply = await socket.next(isReply, timeoutMs);
    if (reply?.opcode !== Opcode.OK) {
      throw new Error(`REGISTER ${name} was answered ${JSON.stringify(reply)}`);
    }
    return socket;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#open.splice(0).map((socket) => socket.close()));
  }
}

/** OK or ERROR: the answer to a request. */
export const isReply = (packet: ServerPacket): boolean =>
  packet.opcode === Opcode.OK || packet.opcode === Opcode.ERROR;

export const isShutdownNotice = (packet: ServerPacket): boolean =>
  packet.opcode === Opcode.ERROR && packet.text === ErrorText.SHUTTING_DOWN;

/** Resolves after `ms`; only to let UDP datagrams already sent arrive. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
