/* SPDX-License-Identifier: MIT */
/* The grader's preparation: ELF files read with libelf (see elf.h). */
#include "prepare/elf.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* Every symbol of one ELF object's tables of `table` type. */
static void
object_symbols(Elf *e, Elf64_Word table, elf_symbol_fn fn, void *ctx)
{
    Elf_Scn *scn = NULL;

    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr sh;
        Elf_Data *data;

        if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != table ||
            sh.sh_entsize == 0 || (data = elf_getdata(scn, NULL)) == NULL)
            continue;
        for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
            GElf_Sym s;
            const char *name;
            int bind;

            if (gelf_getsym(data, (int)i, &s) == NULL || s.st_name == 0 ||
                (name = elf_strptr(e, sh.sh_link, s.st_name)) == NULL ||
                name[0] == '\0')
                continue;
            bind = GELF_ST_BIND(s.st_info);
            fn(ctx, &(struct elf_symbol){
                        .name = name,
                        .type = GELF_ST_TYPE(s.st_info),
                        .defined = s.st_shndx != SHN_UNDEF,
                        .global = bind == STB_GLOBAL || bind == STB_WEAK ||
                                  bind == STB_GNU_UNIQUE,
                    });
        }
    }
}

/* `path` opened for libelf; NULL (and fd -1) when it cannot be. */
static Elf *
open_elf(const char *path, int *fd)
{
    Elf *e;

    *fd = -1;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return NULL;
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return NULL;
    e = elf_begin(*fd, ELF_C_READ, NULL);
    if (e == NULL) {
        close(*fd);
        *fd = -1;
    }
    return e;
}

static void
close_elf(Elf *e, int fd)
{
    elf_end(e);
    if (fd >= 0)
        close(fd);
}

int
elf_symbols(const char *path, bool dynamic, elf_symbol_fn fn, void *ctx)
{
    int fd, rc = -1;
    Elf *e = open_elf(path, &fd);
    Elf64_Word table = dynamic ? SHT_DYNSYM : SHT_SYMTAB;

    if (e == NULL)
        return -1;
    if (elf_kind(e) == ELF_K_ELF) {
        object_symbols(e, table, fn, ctx);
        rc = 0;
    } else if (elf_kind(e) == ELF_K_AR) {
        Elf_Cmd cmd = ELF_C_READ;
        Elf *member;

        /* The archive's own index and name table are not ELF, and are
         * passed over; every member that is, is read. */
        while ((member = elf_begin(fd, cmd, e)) != NULL) {
            if (elf_kind(member) == ELF_K_ELF)
                object_symbols(member, table, fn, ctx);
            cmd = elf_next(member);
            elf_end(member);
        }
        rc = 0;
    }
    close_elf(e, fd);
    return rc;
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
note_ifunc(void *ctx, const struct elf_symbol *sym)
{
    if (sym->type == STT_GNU_IFUNC)
        add_found(ctx, "the ifunc ", sym->name);
}

static void
note_prefixed(void *ctx, const struct elf_symbol *sym)
{
    struct found *f = ctx;

    for (size_t i = 0; f->prefixes[i] != NULL; i++)
        if (strncmp(sym->name, f->prefixes[i], strlen(f->prefixes[i])) == 0) {
            add_found(f, "", sym->name);
            return;
        }
}

int
elf_outside_main(const char *object, char *found, size_t len)
{
    struct found f = {found, len, 0, 0, NULL};
    int fd;
    Elf *e = open_elf(object, &fd);
    Elf_Scn *scn = NULL;
    size_t names;

    found[0] = '\0';
    if (e == NULL)
        return -1;
    if (elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &names) != 0) {
        close_elf(e, fd);
        return -1;
    }
    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr sh;
        const char *name;

        if (gelf_getshdr(scn, &sh) != NULL &&
            (name = elf_strptr(e, names, sh.sh_name)) != NULL &&
            runs_outside_main(name))
            add_found(&f, "", name);
    }
    /* An indirect function (ifunc): its resolver is code of the object's
     * that the loader runs while it relocates, before main. */
    object_symbols(e, SHT_SYMTAB, note_ifunc, &f);
    close_elf(e, fd);
    return f.count;
}

int
elf_names_with_prefix(const char *object, const char *const *prefixes,
                      char *found, size_t len)
{
    struct found f = {found, len, 0, 0, prefixes};
    int fd;
    Elf *e = open_elf(object, &fd);

    found[0] = '\0';
    if (e == NULL)
        return -1;
    if (elf_kind(e) != ELF_K_ELF) {
        close_elf(e, fd);
        return -1;
    }
    object_symbols(e, SHT_SYMTAB, note_prefixed, &f);
    close_elf(e, fd);
    return f.count;
}
