# bash completion for chaptag                                      -*- shell-script -*-
# Installed as share/bash-completion/completions/chaptag; needs no bash-completion helpers.
# Commands, each command's options (as 'chaptag help COMMAND' lists them), the format names
# after --format/--from/--to, and files otherwise (audio files where an AUDIO is expected).

_chaptag_commands='embed dump verify strip convert silences suggest'
_chaptag_read_formats='text json psc ffmetadata mp4chaps audacity cue vtt ogm audition reaper mkvxml csv ffprobe'
_chaptag_write_formats='text json psc ffmetadata mp4chaps audacity cue vtt ogm audition reaper mkvxml csv youtube spotify apple'

# COMPREPLY: the files and folders starting with $1; with $2 set, only audio files (and
# folders, to descend), or every file when none is audio.
_chaptag_files()
{
    local f want=$2 lower
    local -a all=() audio=()
    compopt -o filenames 2>/dev/null
    while IFS= read -r f; do
        all+=("$f")
        if [[ -d $f ]]; then
            audio+=("$f")
            continue
        fi
        lower=${f,,}
        case $lower in
        *.mp3 | *.m4a | *.m4b | *.mp4 | *.m4v | *.mov | *.ogg | *.oga | *.opus | *.flac | \
            *.wav | *.bwf | *.rf64 | *.mka | *.mkv | *.webm | *.aac)
            audio+=("$f") ;;
        esac
    done < <(compgen -f -- "$1")
    if [[ -n $want ]] && ((${#audio[@]})); then
        COMPREPLY=("${audio[@]}")
    else
        COMPREPLY=("${all[@]}")
    fi
}

_chaptag_dirs()
{
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY=($(compgen -d -- "$1"))
}

_chaptag()
{
    local cur prev cmd i eq=
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # --opt=VALUE: bash splits it at '=' (COMP_WORDBREAKS)
    if [[ $cur == = ]]; then
        cur=
        eq=1
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
        eq=1
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
        eq=1
    fi

    if ((COMP_CWORD <= 1)); then
        COMPREPLY=($(compgen -W "$_chaptag_commands help --help --version" -- "$cur"))
        return 0
    fi
    cmd=${COMP_WORDS[1]}

    # the option's argument
    local words=
    case $cmd:$prev in
    embed:-f | embed:--from | verify:-f | verify:--from | convert:-f | convert:--from)
        words=$_chaptag_read_formats ;;
    dump:--format | convert:-t | convert:--to | suggest:--format)
        words=$_chaptag_write_formats ;;
    embed:--format | strip:--format | verify:--format)
        words='text json jsonl' ;;
    silences:--format)
        words='text json' ;;
    embed:--snap-to | suggest:--snap-to)
        words='start middle end' ;;
    embed:--id3v2-version)
        words='3 4' ;;
    embed:--mp4-style)
        words='both qt nero' ;;
    verify:--profile)
        words='youtube spotify apple' ;;
    embed:-o | embed:--output | dump:-o | dump:--output | convert:-o | convert:--output | \
        suggest:-o | suggest:--output | verify:-c | verify:--chapters | embed:--chapters)
        _chaptag_files "$cur"
        return 0 ;;
    embed:--image-dir | verify:--image-dir | dump:--images)
        _chaptag_dirs "$cur"
        return 0 ;;
    embed:--toc-title | embed:--padding | embed:--duration | convert:--duration | \
        convert:-d | embed:--shift | embed:--cut | embed:--insert | embed:--add-intro | \
        convert:--shift | convert:--cut | convert:--insert | convert:--add-intro | \
        suggest:--every | suggest:--window | suggest:--duration | *:--min-silence | *:--silence-threshold)
        return 0 ;; # free text: a title, a number or a time
    embed:--snap-to-silence)
        # its WINDOW only as --snap-to-silence=WINDOW; a word after it is AUDIO
        [[ -n $eq ]] && return 0 ;;
    esac
    if [[ -n $words ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
        return 0
    fi

    # options, unless after '--'
    local dashdash= fromfiles= npos=0 w skip=
    for ((i = 2; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -n $skip ]]; then
            skip=
            [[ $w == = ]] && skip=1 # --opt = VALUE
            continue
        fi
        if [[ -n $dashdash ]]; then
            ((npos++))
            continue
        fi
        case $w in
        --) dashdash=1 ;;
        =) skip=1 ;; # --snap-to-silence = WINDOW
        --from-files) fromfiles=1 ;;
        -o | --output | -f | --from | -t | --to | -c | --chapters | -d | --format | \
            --id3v2-version | --mp4-style | --toc-title | --padding | --duration | \
            --image-dir | --images | --profile | --shift | --cut | --insert | --add-intro | \
            --every | --window | --snap-to | --min-silence | --silence-threshold)
            skip=1 ;;
        -*) ;;
        *) ((npos++)) ;;
        esac
    done

    if [[ -z $dashdash && $cur == -* ]]; then
        local opts=
        case $cmd in
        embed)
            opts='-o --output -f --from --id3v2-version --mp4-style --mp4-images --toc-title
                  --padding --duration --shift --cut --insert --add-intro --skip-prose
                  --image-dir --fetch-images --snap-to-silence --snap-to --silence-threshold
                  --min-silence --format --chapters --fail-fast -n --dry-run -q --quiet -v
                  --verbose --help' ;;
        dump) opts='--format -o --output --images -q --quiet --help' ;;
        verify)
            opts='-c --chapters --siblings --fail-fast --image-dir -f --from --profile --strict
                  --format -q --quiet --help' ;;
        strip) opts='-n --dry-run -q --quiet -v --verbose --format --help' ;;
        convert)
            opts='-f --from -t --to -o --output --duration --from-files --shift --cut
                  --insert --add-intro --skip-prose -q --quiet --help' ;;
        silences)
            opts='--format --silence-threshold --min-silence -q --quiet -v --verbose --help' ;;
        suggest)
            opts='--every --format -o --output --window --duration --snap-to --silence-threshold
                  --min-silence -q --quiet -v --verbose --help' ;;
        esac
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return 0
    fi

    case $cmd in
    help)
        ((COMP_CWORD == 2)) &&
            COMPREPLY=($(compgen -W "$_chaptag_commands" -- "$cur")) ;;
    embed)
        # AUDIO, then CHAPTERS (any chapter file)
        if ((npos == 0)); then _chaptag_files "$cur" audio; else _chaptag_files "$cur"; fi ;;
    dump | strip | silences | suggest)
        _chaptag_files "$cur" audio ;;
    convert)
        if [[ -n $fromfiles ]]; then _chaptag_files "$cur" audio; else _chaptag_files "$cur"; fi ;;
    verify)
        # AUDIO... then maybe a chapter file: any file
        _chaptag_files "$cur" ;;
    *)
        _chaptag_files "$cur" ;;
    esac
    return 0
}

complete -F _chaptag chaptag
