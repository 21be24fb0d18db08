/* SPDX-License-Identifier: MIT */
/* The grader's preparation: a student's object file read as ELF (see
 * elf.h): its section headers and symbol table themselves, no tool's
 * output format to trust. */
#include "prepare/elf.h"

#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
runs_outside_main(const char *name)
{
    static const char *const prefixes[] = {
        ".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors",
    };

    if (strcmp(name, ".init") == 0 || strcmp(name, ".fini") == 0)
        return true;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t n = strlen(prefixes[i]);
        /* ".init_array.00100" is a prioritised constructor; a relocation
         * section (".rela.init_array") only goes with one. */
        if (strncmp(name, prefixes[i], n) == 0 &&
            (name[n] == '\0' || name[n] == '.'))
            return true;
    }
    return false;
}

/* The file read whole: a student's object is small (the submit file is at
 * most 1 MiB of source). */
static unsigned char *
read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (64L << 20) &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) != NULL) {
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else
            *size = (size_t)n;
    }
    fclose(f);
    return buf;
}

/* Section header i, copied out: nothing promises the file aligns it. */
static Elf64_Shdr
section(const unsigned char *buf, const Elf64_Ehdr *eh, unsigned i)
{
    Elf64_Shdr sh;

    memcpy(&sh, buf + eh->e_shoff + (size_t)i * sizeof(sh), sizeof(sh));
    return sh;
}

/* Call fn on the name of every symbol of the object's symbol tables, with
 * its type (STT_*). */
static void
each_symbol(const unsigned char *buf, size_t size, const Elf64_Ehdr *eh,
            void (*fn)(void *ctx, const char *name, int type), void *ctx)
{
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        Elf64_Shdr sh = section(buf, eh, i);
        Elf64_Shdr str;

        if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh->e_shnum ||
            sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_offset > size ||
            sh.sh_size > size - sh.sh_offset)
            continue;
        str = section(buf, eh, sh.sh_link);
        if (str.sh_offset > size || str.sh_size > size - str.sh_offset)
            continue;
        for (size_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
            Elf64_Sym sym;
            const char *name;

            memcpy(&sym, buf + sh.sh_offset + k * sizeof(sym), sizeof(sym));
            if (sym.st_name == 0 || sym.st_name >= str.sh_size)
                continue;
            name = (const char *)buf + str.sh_offset + sym.st_name;
            if (memchr(name, '\0', str.sh_size - sym.st_name) != NULL)
                fn(ctx, name, ELF64_ST_TYPE(sym.st_info));
        }
    }
}

/* The object read whole and checked to be an ELF64 file whose section
 * headers lie inside it; NULL otherwise. */
static unsigned char *
load(const char *object, size_t *size, Elf64_Ehdr *eh)
{
    unsigned char *buf = read_all(object, size);

    if (buf == NULL || *size < sizeof(*eh))
        goto unreadable;
    memcpy(eh, buf, sizeof(*eh));
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > *size ||
        (*size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum ||
        eh->e_shstrndx >= eh->e_shnum)
        goto unreadable;
    return buf;
unreadable:
    free(buf);
    return NULL;
}

/* A list of names being found, for the messages. */
struct found {
    char *buf;
    size_t len, used;
    int count;
    const char *const *prefixes; /* elf_names_with_prefix() */
};

static void
add_found(struct found *f, const char *what, const char *name)
{
    int n = snprintf(f->buf + f->used, f->len - f->used, "%s%s%s",
                     f->used ? ", " : "", what, name);

    f->count++;
    if (n > 0 && (size_t)n < f->len - f->used)
        f->used += (size_t)n;
}

static void
note_ifunc(void *ctx, const char *name, int type)
{
    if (type == STT_GNU_IFUNC)
        add_found(ctx, "the ifunc ", name);
}

static void
note_prefixed(void *ctx, const char *name, int type)
{
    struct found *f = ctx;

    (void)type;
    for (size_t i = 0; f->prefixes[i] != NULL; i++)
        if (strncmp(name, f->prefixes[i], strlen(f->prefixes[i])) == 0) {
            add_found(f, "", name);
            return;
        }
}

int
elf_outside_main(const char *object, char *found, size_t len)
{
    size_t size = 0;
    Elf64_Ehdr eh;
    unsigned char *buf = load(object, &size, &eh);
    Elf64_Shdr names;
    struct found f = {found, len, 0, 0, NULL};

    found[0] = '\0';
    if (buf == NULL)
        return -1;
    names = section(buf, &eh, eh.e_shstrndx);
    if (names.sh_offset > size || names.sh_size > size - names.sh_offset) {
        free(buf);
        return -1;
    }
    const char *strtab = (const char *)buf + names.sh_offset;
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh = section(buf, &eh, i);
        if (sh.sh_name >= names.sh_size ||
            memchr(strtab + sh.sh_name, '\0', names.sh_size - sh.sh_name) ==
                NULL ||
            !runs_outside_main(strtab + sh.sh_name))
            continue;
        add_found(&f, "", strtab + sh.sh_name);
    }
    /* An indirect function (ifunc): its resolver is code of the object's
     * that the loader runs while it relocates, before main. */
    each_symbol(buf, size, &eh, note_ifunc, &f);
    free(buf);
    return f.count;
}

int
elf_names_with_prefix(const char *object, const char *const *prefixes,
                      char *found, size_t len)
{
    size_t size = 0;
    Elf64_Ehdr eh;
    unsigned char *buf = load(object, &size, &eh);
    struct found f = {found, len, 0, 0, prefixes};

    found[0] = '\0';
    if (buf == NULL)
        return -1;
    each_symbol(buf, size, &eh, note_prefixed, &f);
    free(buf);
    return f.count;
}
