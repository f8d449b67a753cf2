/** @jsxRuntime classic */
/** @jsx h */
import { Component, h } from 'preact';
import type { FileProps } from './FileView.ts';
import { filesUi, loadFilesUi } from './files-ui.ts';

/**
 * Where a message's file is shown: by the files part of the widget, which the script tag loads on first use;
 * until it is there, the file's name, as text.
 */
export class FileSlot extends Component<FileProps> {
  override componentDidMount(): void {
    // Not loaded (offline): the name stays, as text, until the next time a file is shown.
    if (!filesUi()) loadFilesUi().then(() => this.forceUpdate(), () => {});
  }

  override render(props: FileProps) {
    const FileView = filesUi()?.FileView;
    return FileView ? <FileView {...props} /> : <bdi>{props.message.file!.name}</bdi>;
  }
}
