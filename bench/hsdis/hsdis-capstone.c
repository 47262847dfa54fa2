/*
 * A minimal hsdis for HotSpot's -XX:+PrintAssembly on x86-64, on the capstone disassembler
 * (Debian: libcapstone-dev). HotSpot loads hsdis-amd64.so and calls decode_instructions_virtual
 * for each blob of code; we print one instruction per line and report each instruction's
 * start and end so HotSpot can interleave its own comments (bytecode, oop maps).
 * Build: gcc -O2 -shared -fPIC -o hsdis-amd64.so hsdis-capstone.c -lcapstone
 */
#include <stdint.h>
#include <capstone/capstone.h>

typedef void *(*event_callback)(void *stream, const char *event, void *arg);
typedef int (*printf_callback)(void *stream, const char *format, ...);

void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_callback event, void *event_stream, printf_callback print,
                                  void *print_stream, const char *options, int newline) {
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return NULL;
    cs_option(handle, CS_OPT_SKIPDATA, CS_OPT_ON); /* capstone 4 cannot decode some EVEX forms: skip, go on */
    cs_insn *insn = cs_malloc(handle);
    const uint8_t *code = buffer;
    size_t size = length;
    uint64_t address = start_va;
    while (size > 0) {
        uint64_t at = address;
        if (!cs_disasm_iter(handle, &code, &size, &address, insn)) break;
        event(event_stream, "insn", (void *) (uintptr_t) at);
        print(print_stream, "%-8s %s", insn->mnemonic, insn->op_str);
        event(event_stream, "/insn", (void *) (uintptr_t) address);
        if (newline) print(print_stream, "\n");
    }
    cs_free(insn, 1);
    cs_close(&handle);
    return (void *) end_va;
}
